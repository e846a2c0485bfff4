using System.Collections.Concurrent;

namespace Orchestrator.Transport.RabbitMq.Topology;

/// <summary>
/// Runs a declaration (or a check) once per name for the life of a process, sharing it between concurrent callers; a
/// declaration that failed (the channel was closing, the exchange did not exist yet) is forgotten, so the next caller
/// tries again rather than meeting the same failure forever.
/// </summary>
internal sealed class DeclaredOnce(Func<string, Task> declare)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _declared = new(StringComparer.Ordinal);

    public Task EnsureAsync(string name, CancellationToken cancellationToken)
    {
        // The declaration itself is not cancelled by one caller: others may be waiting for it.
        var declared = _declared.GetOrAdd(name, Create);
        if (declared.Value is { IsFaulted: true } or { IsCanceled: true })
        {
            // Failed for an earlier caller that no longer waited for it: try again.
            _declared.TryRemove(new KeyValuePair<string, Lazy<Task>>(name, declared));
            declared = _declared.GetOrAdd(name, Create);
        }

        if (declared.Value.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }

        return AwaitAsync(name, declared, cancellationToken);
    }

    /// <summary>Forgets <paramref name="name"/>: the next <see cref="EnsureAsync"/> declares it again (it was deleted on the broker).</summary>
    public void Forget(string name) => _declared.TryRemove(name, out _);

    private Lazy<Task> Create(string name) => new(() => declare(name));

    private async Task AwaitAsync(string name, Lazy<Task> declared, CancellationToken cancellationToken)
    {
        try
        {
            await declared.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (declared.Value.IsFaulted || declared.Value.IsCanceled)
        {
            _declared.TryRemove(new KeyValuePair<string, Lazy<Task>>(name, declared));
            throw;
        }
    }
}
