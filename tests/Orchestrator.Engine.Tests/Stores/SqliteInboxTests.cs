using Orchestrator.Stores.Sqlite;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Engine.Tests.Stores;

/// <summary>The inbox contract (<see cref="InboxContract{TStore, TDatabase}"/>) on a SQLite file.</summary>
public sealed class SqliteInboxTests : InboxContract<SqliteRunStore, SqliteTestDatabase>;
