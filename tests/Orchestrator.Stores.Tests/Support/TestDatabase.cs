using Npgsql;
using Orchestrator.Stores.Postgres;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Stores.Tests.Support;

/// <summary>
/// A database of its own for one test, on the server that <c>$ORCHESTRATOR_POSTGRES</c> names: created with a random
/// name, dropped afterwards, so tests never see each other's runs. Without the variable every test fails with how to
/// start a server: never a silent pass without one.
/// </summary>
public sealed class TestDatabase : IStoreUnderTest<PostgresRunStore>
{
    public const string Variable = "ORCHESTRATOR_POSTGRES";

    private const string HowToStart = """
        The PostgreSQL store tests need a server, and none is configured.
          Start a private one (Debian's postgresql on loopback; installs it with apt-get when run as root):
            export ORCHESTRATOR_POSTGRES="$(tests/postgres.sh start)"     # stop it later: tests/postgres.sh stop
          or point ORCHESTRATOR_POSTGRES at any server whose user may create databases:
            postgresql://user:pass@host:5432/postgres
        """;

    private readonly string _name = "orchestrator_test_" + Guid.NewGuid().ToString("N");
    private string _server = null!;

    /// <summary>The test database as an Npgsql key=value connection string.</summary>
    public string ConnectionString { get; private set; } = null!;

    /// <summary>The test database as a <c>postgresql://</c> URL (what the CLI takes).</summary>
    public string Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(HowToStart);
        }

        _server = PostgresConnectionString.Parse(configured);
        try
        {
            await ExecuteOnServerAsync($"CREATE DATABASE \"{_name}\";");
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"{Variable} names {PostgresConnectionString.Redact(configured)}, but creating a database there failed ({ex.Message}).\n{HowToStart}", ex);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;
        Url = UrlOf(new NpgsqlConnectionStringBuilder(ConnectionString));
    }

    public async Task DisposeAsync()
    {
        if (ConnectionString is null)
        {
            return;
        }

        // A store a test left open (or a pool) must not keep the database alive.
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE);");
    }

    /// <summary>Opens a store on the test database.</summary>
    public Task<PostgresRunStore> OpenAsync(TimeSpan? lease = null, string? owner = null) =>
        PostgresRunStore.OpenAsync(ConnectionString, lease, owner);

    Task<PostgresRunStore> IStoreUnderTest<PostgresRunStore>.OpenAsync() => OpenAsync();

    /// <summary>Runs SQL on the test database directly (to check what the store wrote, or set up what it must read).</summary>
    public async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>This database's commits so far, as the statistics collector counts them (this method's own queries included).</summary>
    public async Task<long?> CommittedTransactionsAsync()
    {
        // The statistics are per backend, flushed at transaction end; xact_commit counts this database's commits.
        await ScalarAsync("SELECT pg_stat_clear_snapshot();");
        return (long)(await ScalarAsync("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database();"))!;
    }

    /// <summary>The schema was created once and is still at this build's version: reopening did not touch it.</summary>
    public async Task AssertClosedCleanlyAsync()
    {
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM orchestrator_schema;"));
        Assert.Equal(2, await ScalarAsync("SELECT version FROM orchestrator_schema;"));
    }

    public void AssertDuplicateKey(Exception exception)
    {
        var postgres = Assert.IsType<PostgresException>(exception);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, postgres.SqlState);
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string UrlOf(NpgsqlConnectionStringBuilder builder)
    {
        var user = Uri.EscapeDataString(builder.Username ?? Environment.UserName);
        var password = builder.Password is { } secret ? ":" + Uri.EscapeDataString(secret) : "";
        var host = builder.Host!.Contains(':', StringComparison.Ordinal) ? $"[{builder.Host}]" : builder.Host;
        return $"postgresql://{user}{password}@{host}:{builder.Port}/{Uri.EscapeDataString(builder.Database!)}";
    }
}
