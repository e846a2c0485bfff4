namespace Orchestrator.Integration.Tests.Support;

/// <summary>One broker for every integration test; tests keep apart by queue names (see <see cref="BrokerScope"/>).</summary>
[CollectionDefinition(Name)]
public sealed class BrokerTests : ICollectionFixture<BrokerFixture>
{
    public const string Name = "broker";
}
