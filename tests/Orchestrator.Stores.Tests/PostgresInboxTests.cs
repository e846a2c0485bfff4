using Orchestrator.Stores.Postgres;
using Orchestrator.Stores.Tests.Support;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Stores.Tests;

/// <summary>The inbox contract (<see cref="InboxContract{TStore, TDatabase}"/>) on a PostgreSQL database.</summary>
public sealed class PostgresInboxTests : InboxContract<PostgresRunStore, TestDatabase>;
