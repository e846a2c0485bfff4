using System.Text.Json.Nodes;

namespace Orchestrator.Core.Events;

/// <summary>
/// Meets messages and the <c>listen</c> steps waiting for them, for one engine. Every message is stored in the
/// <see cref="IEventInbox"/> before it is offered (a transport acknowledges it only then); a message no listen
/// accepts stays stored until one does. A run that receives a message deletes it from the inbox in the same commit
/// that records the step's result, so after a crash the message is either consumed (the history has it) or still
/// waiting in the inbox.
/// </summary>
/// <remarks>
/// Waiting costs no thread: a waiting listen is a registration and a task. The hub keeps the unconsumed messages in
/// memory too (loaded once from the inbox). When engines share the inbox (<see cref="ISharedEventInbox"/>,
/// PostgreSQL), each hub also polls it while runs wait, so a message another engine stored reaches the run that
/// waits for it here, and a run claims a message before taking it, so no message goes to two runs.
/// </remarks>
public sealed class EventHub : IDisposable
{
    /// <summary>How often a hub over a shared inbox looks for messages other engines stored, while runs wait.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How many consumed message ids the hub remembers to drop a redelivered copy.</summary>
    private const int RecentCapacity = 10_000;

    private readonly IEventInbox _inbox;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly RecentMessageIds _recent = new(RecentCapacity);
    private readonly ISharedEventInbox? _shared;
    private readonly ITimer? _poll;
    private Task? _loading;
    private int _polling;

    /// <summary>Creates a hub over a durable inbox.</summary>
    /// <param name="inbox">Where messages are stored.</param>
    /// <param name="time">The clock (and the poll timer's).</param>
    /// <param name="pollInterval">For a shared inbox: how often to look for other engines' messages while runs wait;
    /// default <see cref="DefaultPollInterval"/>.</param>
    public EventHub(IEventInbox inbox, TimeProvider? time = null, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        _inbox = inbox;
        _time = time ?? TimeProvider.System;
        _shared = inbox as ISharedEventInbox;
        if (_shared is not null)
        {
            var every = pollInterval ?? DefaultPollInterval;
            _poll = _time.CreateTimer(_ => _ = PollAsync(), null, every, every);
        }
    }

    /// <summary>Messages stored and not consumed, on all channels.</summary>
    public int Unconsumed
    {
        get
        {
            lock (_gate)
            {
                return _channels.Values.Sum(channel => channel.Stored);
            }
        }
    }

    /// <summary>Listens waiting now, on all channels.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _channels.Values.Sum(channel => channel.Waiting);
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="message"/> durably, then hands it to the oldest waiting listen on
    /// <paramref name="channel"/> that accepts it, or keeps it for a later one.
    /// </summary>
    /// <param name="channel">The channel (queue) it arrived on.</param>
    /// <param name="message">The message as an event object (see <see cref="EventMessages"/>).</param>
    /// <param name="cancellationToken">Stops the store write.</param>
    /// <returns>The message's inbox id (null for a copy that was dropped); when this completes, the message is durable.</returns>
    /// <remarks>
    /// A transport delivers at least once: a message whose acknowledgement was lost comes again. A copy whose
    /// <c>id</c> is already waiting on the channel, or was consumed recently (the last 10,000), is dropped.
    /// </remarks>
    public async Task<long?> DeliverAsync(string channel, JsonObject message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(message);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        if (IsCopy(channel, message))
        {
            return null;
        }

        var receivedAt = _time.GetUtcNow();
        var id = await _inbox.AddMessageAsync(channel, message, receivedAt, cancellationToken).ConfigureAwait(false);
        Offer(new InboxMessage(id, channel, message, receivedAt));
        return id;
    }

    /// <summary>Waits for a message <paramref name="filter"/> accepts: a stored one at once, else the next to arrive.</summary>
    /// <remarks>
    /// The message leaves the hub's memory when handed over; the caller deletes it from the inbox with its next commit
    /// (<see cref="History.RunChanges.Consumed"/>).
    /// </remarks>
    internal async Task<InboxMessage> WaitAsync(ListenFilter filter, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await TakeAsync(filter, cancellationToken).ConfigureAwait(false);

            // A shared inbox: the message is this run's only once claimed (another engine's run may have taken it).
            // The claim is not cancellable: a message once claimed must reach the run, which records it.
            if (_shared is null || await _shared.ClaimMessageAsync(message.Id, filter.RunId, CancellationToken.None).ConfigureAwait(false))
            {
                return message;
            }
        }
    }

    private async Task<InboxMessage> TakeAsync(ListenFilter filter, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        Waiter waiter;
        lock (_gate)
        {
            var channel = Channel(filter.Channel);
            if (channel.TakeStored(filter) is { } found)
            {
                _recent.Add(found);
                return found;
            }

            waiter = channel.AddWaiter(filter);
        }

        // Cancelling only withdraws a waiter that has not been handed a message: a message once handed over is the
        // caller's, so it can never be lost between a match and a timeout.
        using (cancellationToken.Register(() => Withdraw(waiter)))
        {
            return await waiter.Message.Task.ConfigureAwait(false);
        }
    }

    private bool IsCopy(string channel, JsonObject message)
    {
        if (RecentMessageIds.IdOf(message) is not { } id)
        {
            return false;
        }

        lock (_gate)
        {
            return _recent.Contains(channel, id) || (_channels.TryGetValue(channel, out var state) && state.HasStored(id));
        }
    }

    /// <summary>Loads the inbox once; a failed load (the store was down) is tried again by the next caller.</summary>
    private Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                _loading = LoadAsync();
            }

            return _loading.WaitAsync(cancellationToken);
        }
    }

    private void Offer(InboxMessage message)
    {
        lock (_gate)
        {
            var channel = Channel(message.Channel);
            if (channel.TakeWaiter(message) is { } waiter)
            {
                // Set under the lock: a waiter is withdrawn under it too, so it is either handed this message or gone.
                waiter.Message.SetResult(message);
                _recent.Add(message);
                return;
            }

            channel.Store(message);
        }
    }

    private ChannelState Channel(string name)
    {
        if (!_channels.TryGetValue(name, out var channel))
        {
            channel = new ChannelState();
            _channels.Add(name, channel);
        }

        return channel;
    }

    private void Withdraw(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Message.TrySetCanceled())
            {
                Channel(waiter.Filter.Channel).Remove(waiter);
            }
        }
    }

    /// <summary>
    /// Shared inbox: takes in the messages other engines stored (offered to the runs waiting here) and forgets those
    /// other engines' runs consumed. Skipped while no run waits, and while the previous poll still runs.
    /// </summary>
    internal async Task PollAsync()
    {
        if (_shared is null || Waiting == 0 || Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }

        try
        {
            var listed = await _shared.ListMessagesAsync(CancellationToken.None).ConfigureAwait(false);
            var present = listed.Select(m => m.Id).ToHashSet();
            List<InboxMessage> arrived;
            lock (_gate)
            {
                foreach (var channel in _channels.Values)
                {
                    channel.Forget(m => !present.Contains(m.Id));
                }

                // Inbox ids are unique across channels: one set of what is held here, not a scan per listed message.
                var held = _channels.Values.SelectMany(channel => channel.StoredIds).ToHashSet();
                arrived = listed.Where(m => !held.Contains(m.Id)).ToList();
            }

            // A message this engine handed to a run that has not committed yet is listed too: offered again, it goes
            // only to a run that can claim it, so at worst a waiting run tries, fails its claim, and waits on.
            foreach (var message in arrived)
            {
                Offer(message);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is unreachable for now: the next beat tries again.
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _poll?.Dispose();

    private async Task LoadAsync()
    {
        var messages = await _inbox.ListMessagesAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var message in messages)
            {
                Channel(message.Channel).Store(message);
            }
        }
    }
}
