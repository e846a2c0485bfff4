namespace Orchestrator.Tests.Stores;

// Shared by the SQLite tests (Orchestrator.Engine.Tests) and the PostgreSQL tests (Orchestrator.Stores.Tests, which
// links this folder): one contract, every durable store.

/// <summary>
/// Where one contract test's store lives: created empty before the test (<see cref="IAsyncLifetime.InitializeAsync"/>)
/// and removed after it (<see cref="IAsyncLifetime.DisposeAsync"/>), plus what the contract needs to know of the
/// provider underneath.
/// </summary>
public interface IStoreUnderTest<TStore> : IAsyncLifetime
{
    /// <summary>Opens a store there: the first one creates the tables, later ones reopen what earlier ones wrote.</summary>
    Task<TStore> OpenAsync();

    /// <summary>Runs SQL on the database directly (to check what the store wrote); parameters are <c>$1</c>, <c>$2</c>…</summary>
    Task<object?> ScalarAsync(string sql, params object[] parameters);

    /// <summary>How many transactions the database has committed so far, where the provider counts them; else null.</summary>
    Task<long?> CommittedTransactionsAsync();

    /// <summary>Checks what a store leaves behind once it is disposed.</summary>
    Task AssertClosedCleanlyAsync();

    /// <summary>Checks that <paramref name="exception"/> is the provider's own error for a key written twice.</summary>
    void AssertDuplicateKey(Exception exception);
}
