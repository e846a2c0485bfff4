using System.Threading.Channels;
using Orchestrator.Contracts;
using Orchestrator.Workers.Hosting;

namespace Orchestrator.Engine.Embedded;

/// <summary>
/// The embedded transport: invocations travel through an unbounded channel to a worker host in the same process.
/// No serialisation and no broker: the records are the same ones the RabbitMQ transport puts on the wire.
/// </summary>
internal sealed class InProcessDispatcher(WorkerHost host) : IFunctionDispatcher
{
    private readonly Channel<InvokeFunction> _invocations = Channel.CreateUnbounded<InvokeFunction>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<InvokeFunction> Invocations => _invocations.Reader;

    public ValueTask DispatchAsync(InvokeFunction command, CancellationToken cancellationToken) =>
        _invocations.Writer.WriteAsync(command, cancellationToken);

    public ValueTask CancelAsync(CancelInvocation command, CancellationToken cancellationToken)
    {
        host.Cancel(command);
        return ValueTask.CompletedTask;
    }

    public void Complete() => _invocations.Writer.TryComplete();
}
