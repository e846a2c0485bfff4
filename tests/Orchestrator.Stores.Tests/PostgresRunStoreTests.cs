using Npgsql;
using Orchestrator.Core.History;
using Orchestrator.Stores.Postgres;
using Orchestrator.Stores.Tests.Support;
using Orchestrator.Tests.Stores;

namespace Orchestrator.Stores.Tests;

/// <summary>The run store contract (<see cref="RunStoreContract{TStore, TDatabase}"/>) on a PostgreSQL database, and what only PostgreSQL does.</summary>
public sealed class PostgresRunStoreTests : RunStoreContract<PostgresRunStore, TestDatabase>
{
    [Fact]
    public async Task OpenAsync_SeveralEnginesOnANewDatabaseAtOnce_CreateTheTablesOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Db.OpenAsync())));
        try
        {
            await Task.WhenAll(stores.Select((s, i) => s.SaveAsync(new RunChanges(NewRun($"run-{i}"), []), CancellationToken.None).AsTask()));
            Assert.Equal(6, (await stores[0].ListRunsAsync(10, CancellationToken.None)).Count);
            Assert.Equal(1L, await Db.ScalarAsync("SELECT count(*) FROM orchestrator_schema;"));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OpenAsync_NewerSchemaVersion_Throws()
    {
        await (await Db.OpenAsync()).DisposeAsync();
        await Db.ScalarAsync("UPDATE orchestrator_schema SET version = 99;");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Db.OpenAsync());

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_KeyValueConnectionStringAndUrl_OpenTheSameDatabase()
    {
        await using (var byKeys = await PostgresRunStore.OpenAsync(Db.ConnectionString))
        {
            await byKeys.SaveAsync(new RunChanges(NewRun("run-1"), []), CancellationToken.None);
        }

        await using var byUrl = await PostgresRunStore.OpenAsync(Db.Url);
        Assert.NotNull(await byUrl.GetRunAsync("run-1", CancellationToken.None));
    }

    [Fact]
    public async Task OpenAsync_NothingListens_ThrowsNpgsqlException()
    {
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PostgresRunStore.OpenAsync("postgresql://postgres@127.0.0.1:1/postgres"));
    }
}
