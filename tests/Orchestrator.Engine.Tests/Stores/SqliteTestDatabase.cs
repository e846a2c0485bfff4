using Microsoft.Data.Sqlite;
using Orchestrator.Stores.Sqlite;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Engine.Tests.Stores;

/// <summary>A database file of its own for one contract test, in a temporary folder removed afterwards.</summary>
public sealed class SqliteTestDatabase : IStoreUnderTest<SqliteRunStore>
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orchestrator-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The file, in a folder that does not exist yet: the store must create it.</summary>
    public string Path => System.IO.Path.Combine(_folder, "nested", "runs.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    public Task<SqliteRunStore> OpenAsync() => Task.FromResult(new SqliteRunStore(Path));

    public async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        // Not pooled: nothing may keep the file open once the test deletes it.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue($"${i + 1}", parameters[i]);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>SQLite keeps no count of transactions.</summary>
    public Task<long?> CommittedTransactionsAsync() => Task.FromResult<long?>(null);

    /// <summary>Closed cleanly: everything is in the database file itself, nothing left in a WAL beside it.</summary>
    public Task AssertClosedCleanlyAsync()
    {
        Assert.False(File.Exists(Path + "-wal"));
        return Task.CompletedTask;
    }

    public void AssertDuplicateKey(Exception exception)
    {
        var sqlite = Assert.IsType<SqliteException>(exception);
        Assert.Equal(19, sqlite.SqliteErrorCode); // SQLITE_CONSTRAINT
    }
}
