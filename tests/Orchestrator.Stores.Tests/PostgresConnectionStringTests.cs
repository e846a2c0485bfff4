using Npgsql;
using Orchestrator.Stores.Postgres;

namespace Orchestrator.Stores.Tests;

/// <summary>Reading URLs and key=value strings: no server needed.</summary>
public sealed class PostgresConnectionStringTests
{
    [Theory]
    [InlineData("postgresql://ada:s3cr%40t@db.example:6543/runs", "db.example", 6543, "ada", "s3cr@t", "runs")]
    [InlineData("postgres://ada@db.example/runs", "db.example", 5432, "ada", null, "runs")]
    [InlineData("POSTGRESQL://ada:pw@127.0.0.1:5433/my%20db", "127.0.0.1", 5433, "ada", "pw", "my db")]
    [InlineData("postgresql://ada@[::1]:5433/runs", "::1", 5433, "ada", null, "runs")]
    [InlineData("postgresql://db.example", "db.example", 5432, null, null, null)]
    public void Parse_Url_GivesHostPortUserPasswordDatabase(string url, string host, int port, string? user, string? password, string? database)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(url));

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(user, builder.Username);
        Assert.Equal(password, builder.Password);
        Assert.Equal(database, builder.Database);
    }

    [Fact]
    public void Parse_UrlQuery_MapsLibpqNamesAndNpgsqlKeywords()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(
            "postgresql://ada@db/runs?sslmode=require&application_name=engine-1&connect_timeout=3&search_path=orchestrator&Maximum%20Pool%20Size=7"));

        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("engine-1", builder.ApplicationName);
        Assert.Equal(3, builder.Timeout);
        Assert.Equal("orchestrator", builder.SearchPath);
        Assert.Equal(7, builder.MaxPoolSize);
    }

    [Fact]
    public void Parse_KeyValueString_IsKept()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("Host=postgres;Username=orchestrator;Password=pw;Database=orchestrator"));

        Assert.Equal("postgres", builder.Host);
        Assert.Equal("orchestrator", builder.Database);
    }

    [Theory]
    [InlineData("postgresql://ada@db/runs?no_such_keyword=1")]
    [InlineData("postgresql://")]
    [InlineData("Hots=typo")]
    public void Parse_Unreadable_ThrowsFormatException(string value)
    {
        Assert.Throws<FormatException>(() => PostgresConnectionString.Parse(value));
    }

    [Theory]
    [InlineData("postgresql://ada:s3cret@db:5432/runs", "postgresql://ada:***@db:5432/runs")]
    [InlineData("postgresql://ada@db:5432/runs", "postgresql://ada@db:5432/runs")]
    [InlineData("postgres://db/runs", "postgres://db/runs")]
    public void Redact_Url_HidesOnlyThePassword(string url, string expected)
    {
        Assert.Equal(expected, PostgresConnectionString.Redact(url));
    }

    [Fact]
    public void Redact_KeyValueString_HidesThePassword()
    {
        Assert.DoesNotContain("s3cret", PostgresConnectionString.Redact("Host=db;Password=s3cret"), StringComparison.Ordinal);
    }
}
