using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orchestrator.Core.History;
using Orchestrator.Stores.Postgres;
using Orchestrator.Stores.Sqlite;

namespace Orchestrator.Cli;

/// <summary>
/// Where the store lives: <c>--store</c>, else <c>$ORCHESTRATOR_STORE</c>, else <c>.orchestrator/runs.db</c>; a
/// <c>postgresql://</c> (or <c>postgres://</c>) URL names a PostgreSQL database, anything else a SQLite file. And how
/// long its run leases last: <c>$ORCHESTRATOR_LEASE_SECONDS</c>, else 60 s.
/// </summary>
internal static partial class StorePath
{
    public const string Variable = "ORCHESTRATOR_STORE";

    public const string LeaseVariable = "ORCHESTRATOR_LEASE_SECONDS";

    public static string Resolve(string? option)
    {
        var store = option ?? Environment.GetEnvironmentVariable(Variable) ?? Path.Combine(".orchestrator", "runs.db");
        return string.IsNullOrWhiteSpace(store)
            ? throw new UsageException($"{(option is null ? "$" + Variable : "--store")} is empty: give a SQLite file path or a postgresql:// URL")
            : store;
    }

    /// <summary>Opens the store that <paramref name="option"/> names, with the lease of the environment; a SQLite file is created when missing.</summary>
    /// <exception cref="StoreUnavailableException">The database does not answer or refuses the store, or the SQLite file cannot be opened or created.</exception>
    /// <exception cref="UsageException">The URL or the lease variable cannot be read.</exception>
    public static Task<IRunStore> OpenAsync(string? option, CancellationToken cancellationToken) =>
        OpenAsync(Resolve(option), Lease(), cancellationToken);

    /// <summary>
    /// For a command that only reads the store: opens it (a SQLite file must exist already), runs
    /// <paramref name="read"/> on it, and closes it.
    /// </summary>
    /// <exception cref="UsageException">No SQLite file there, or a URL that cannot be read.</exception>
    /// <exception cref="StoreUnavailableException">The database does not answer or refuses the store, or the SQLite file is none.</exception>
    public static async Task<T> ReadAsync<T>(string? option, Func<IRunStore, Task<T>> read, CancellationToken cancellationToken)
    {
        var path = Resolve(option);
        if (!PostgresConnectionString.IsUrl(path) && !File.Exists(path) && !Directory.Exists(path))
        {
            throw new UsageException($"no run store at {path} (run a workflow first, or pass --store PATH|URL)");
        }

        var store = await OpenAsync(path, null, cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(store).ConfigureAwait(false);
        }
        finally
        {
            await CloseAsync(store).ConfigureAwait(false);
        }
    }

    /// <summary>Closes a store that <see cref="OpenAsync(string?, CancellationToken)"/> opened.</summary>
    public static ValueTask CloseAsync(IRunStore? store) =>
        store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    private static async Task<IRunStore> OpenAsync(string store, TimeSpan? lease, CancellationToken cancellationToken)
    {
        if (!PostgresConnectionString.IsUrl(store))
        {
            return OpenSqlite(store, lease);
        }

        try
        {
            return await PostgresRunStore.OpenAsync(store, lease, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            throw new StoreUnavailableException($"cannot open the run store {PostgresConnectionString.Redact(store)}: {OneLine(ex)}", ex);
        }
    }

    // A SQLite file that cannot be used (a folder, a file that is not a database, a folder that cannot be created)
    // is the user's to fix, not a crash: one line naming the file and the reason.
    private static SqliteRunStore OpenSqlite(string store, TimeSpan? lease)
    {
        StoreUnavailableException Unavailable(string reason, Exception? inner = null) =>
            new($"cannot open the run store {store}: {reason}", inner);

        if (Directory.Exists(store))
        {
            throw Unavailable("it is a folder, not a SQLite file");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(store));
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Unavailable($"cannot create its folder {folder}{(ex is UnauthorizedAccessException ? " (permission denied)" : "")}", ex);
            }
        }

        try
        {
            return new SqliteRunStore(store, lease);
        }
        catch (SqliteException ex)
        {
            throw Unavailable(SqliteReason().Match(ex.Message) is { Success: true } match ? match.Groups[1].Value : OneLine(ex), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Unavailable(OneLine(ex), ex);
        }
    }

    // Microsoft.Data.Sqlite's "SQLite Error 26: 'file is not a database'." carries SQLite's own reason in quotes.
    [GeneratedRegex(@"^SQLite Error \d+: '(.+)'\.?$", RegexOptions.Singleline)]
    private static partial Regex SqliteReason();

    // Npgsql's "Failed to connect to 127.0.0.1:1" says where, its inner exception says why.
    private static string OneLine(Exception ex)
    {
        var message = ex.Message;
        if (ex.InnerException is { Message: { Length: > 0 } inner } && !message.Contains(inner, StringComparison.Ordinal))
        {
            message = $"{message} ({inner})";
        }

        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static TimeSpan? Lease()
    {
        if (Environment.GetEnvironmentVariable(LeaseVariable) is not { Length: > 0 } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"${LeaseVariable} must be a positive number of seconds, not '{text}'");
    }
}

/// <summary>The store could not be opened (a database that does not answer, a file that is no SQLite database): one line on stderr, exit code 1.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner) : Exception(message, inner);
