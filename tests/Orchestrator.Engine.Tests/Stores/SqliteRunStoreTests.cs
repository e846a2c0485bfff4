using Orchestrator.Stores.Sqlite;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Engine.Tests.Stores;

/// <summary>The run store contract (<see cref="RunStoreContract{TStore, TDatabase}"/>) on a SQLite file.</summary>
public sealed class SqliteRunStoreTests : RunStoreContract<SqliteRunStore, SqliteTestDatabase>;
