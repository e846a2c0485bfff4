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
/// memory too (loaded once from the inbox), so one engine process should consume a given store's channels.
/// </remarks>
public sealed class EventHub
{
    /// <summary>How many consumed message ids the hub remembers to drop a redelivered copy.</summary>
    private const int RecentCapacity = 10_000;

    private readonly IEventInbox _inbox;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly RecentMessageIds _recent = new(RecentCapacity);
    private Task? _loading;

    /// <summary>Creates a hub over a durable inbox.</summary>
    public EventHub(IEventInbox inbox, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        _inbox = inbox;
        _time = time ?? TimeProvider.System;
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
    /// (<see cref="History.RunChanges.Consumed"/>), or gives it back with <see cref="Return"/> if it cannot.
    /// </remarks>
    internal async Task<InboxMessage> WaitAsync(ListenFilter filter, CancellationToken cancellationToken)
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

    /// <summary>Puts a handed-over message back (its run could not record it), for the next listen that accepts it.</summary>
    internal void Return(InboxMessage message)
    {
        lock (_gate)
        {
            _recent.Remove(message);
        }

        Offer(message);
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
