using Orchestrator.Core.Expressions;

namespace Orchestrator.Core.Events;

/// <summary>
/// The waiting listens and the unconsumed messages of one channel, indexed so that a message meets its listen
/// without testing every waiting run: waiting runs are grouped by correlation expression and then by the value
/// they wait for, so a message's key is read once per expression and looked up. Not thread-safe: the hub locks.
/// </summary>
internal sealed class ChannelState
{
    private readonly List<Waiter> _uncorrelated = [];
    private readonly Dictionary<CompiledExpression, KeyedWaiters> _keyed = [];
    private readonly List<StoredMessage> _stored = [];
    private readonly HashSet<string> _storedIds = new(StringComparer.Ordinal);
    private long _sequence;

    public int Waiting => _uncorrelated.Count + _keyed.Values.Sum(group => group.Count);

    public int Stored => _stored.Count;

    /// <summary>The inbox ids of the stored messages.</summary>
    public IEnumerable<long> StoredIds => _stored.Select(s => s.Message.Id);

    public bool HasStored(string messageId) => _storedIds.Contains(messageId);

    /// <summary>Keeps a message for a later listen, in inbox-id order (messages can be offered out of order: concurrent deliveries, a poll).</summary>
    public void Store(InboxMessage message)
    {
        var index = _stored.FindIndex(s => s.Message.Id > message.Id);
        _stored.Insert(index < 0 ? _stored.Count : index, new StoredMessage(message));
        if (RecentMessageIds.IdOf(message.Message) is { } id)
        {
            _storedIds.Add(id);
        }
    }

    /// <summary>Takes the oldest stored message the filter accepts, or null.</summary>
    public InboxMessage? TakeStored(ListenFilter filter)
    {
        for (var i = 0; i < _stored.Count; i++)
        {
            var stored = _stored[i];
            if (!filter.MayTake(stored.Message) || !filter.AcceptsType(stored.Message) || (filter.Key is { } key && !string.Equals(stored.KeyFor(key), filter.ExpectedKey, StringComparison.Ordinal)))
            {
                continue;
            }

            _stored.RemoveAt(i);
            ForgetId(stored);
            return stored.Message;
        }

        return null;
    }

    public Waiter AddWaiter(ListenFilter filter)
    {
        var waiter = new Waiter(filter, ++_sequence);
        if (filter.Key is not { } key)
        {
            _uncorrelated.Add(waiter);
            return waiter;
        }

        if (!_keyed.TryGetValue(key, out var group))
        {
            group = new KeyedWaiters(key);
            _keyed.Add(key, group);
        }

        group.Add(waiter);
        return waiter;
    }

    /// <summary>Takes the oldest waiting listen that accepts <paramref name="message"/>, or null.</summary>
    public Waiter? TakeWaiter(InboxMessage message)
    {
        if (message.ClaimedBy is not null)
        {
            // Claimed before its run stopped: only that run (resumed and waiting again) may take it.
            var owner = AllWaiters().FirstOrDefault(w => w.Filter.MayTake(message) && w.Filter.AcceptsType(message));
            if (owner is not null)
            {
                Remove(owner);
            }

            return owner;
        }

        Waiter? best = _uncorrelated.Find(w => w.Filter.AcceptsType(message));
        foreach (var group in _keyed.Values)
        {
            if (group.Oldest(message) is { } candidate && (best is null || candidate.Sequence < best.Sequence))
            {
                best = candidate;
            }
        }

        if (best is not null)
        {
            Remove(best);
        }

        return best;
    }

    /// <summary>Drops stored messages that are no longer in the inbox (another engine's run consumed them).</summary>
    public void Forget(Func<InboxMessage, bool> gone)
    {
        foreach (var stored in _stored.Where(s => gone(s.Message)).ToList())
        {
            _stored.Remove(stored);
            ForgetId(stored);
        }
    }

    private void ForgetId(StoredMessage stored)
    {
        if (RecentMessageIds.IdOf(stored.Message.Message) is { } id)
        {
            _storedIds.Remove(id);
        }
    }

    private IEnumerable<Waiter> AllWaiters() => _uncorrelated.Concat(_keyed.Values.SelectMany(group => group.All));

    public void Remove(Waiter waiter)
    {
        if (waiter.Filter.Key is { } key && _keyed.TryGetValue(key, out var group))
        {
            group.Remove(waiter);
            if (group.Count == 0)
            {
                _keyed.Remove(key);
            }
        }
        else
        {
            _uncorrelated.Remove(waiter);
        }
    }

    /// <summary>A stored message, with its correlation key per expression once read.</summary>
    private sealed class StoredMessage(InboxMessage message)
    {
        private Dictionary<CompiledExpression, string?>? _keys;

        public InboxMessage Message { get; } = message;

        public string? KeyFor(CompiledExpression expression)
        {
            _keys ??= [];
            if (!_keys.TryGetValue(expression, out var key))
            {
                key = ListenFilter.KeyOf(expression, Message.Message);
                _keys.Add(expression, key);
            }

            return key;
        }
    }

    /// <summary>The listens of one correlation expression, by the value each waits for, oldest first.</summary>
    private sealed class KeyedWaiters(CompiledExpression keyExpression)
    {
        private readonly Dictionary<string, List<Waiter>> _byValue = new(StringComparer.Ordinal);

        public int Count { get; private set; }

        public void Add(Waiter waiter)
        {
            var value = waiter.Filter.ExpectedKey ?? "";
            if (!_byValue.TryGetValue(value, out var list))
            {
                list = [];
                _byValue.Add(value, list);
            }

            list.Add(waiter);
            Count++;
        }

        public IEnumerable<Waiter> All => _byValue.Values.SelectMany(list => list);

        public Waiter? Oldest(InboxMessage message) =>
            ListenFilter.KeyOf(keyExpression, message.Message) is { } key && _byValue.TryGetValue(key, out var list) ? list.Find(w => w.Filter.AcceptsType(message)) : null;

        public void Remove(Waiter waiter)
        {
            var value = waiter.Filter.ExpectedKey ?? "";
            if (_byValue.TryGetValue(value, out var list) && list.Remove(waiter))
            {
                Count--;
                if (list.Count == 0)
                {
                    _byValue.Remove(value);
                }
            }
        }
    }
}

/// <summary>A listen waiting for a message; <see cref="Sequence"/> orders waiters oldest first.</summary>
internal sealed class Waiter(ListenFilter filter, long sequence)
{
    public ListenFilter Filter { get; } = filter;

    public long Sequence { get; } = sequence;

    public TaskCompletionSource<InboxMessage> Message { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
