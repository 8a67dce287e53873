using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nextra.Modules.Runs;
using StackExchange.Redis;

namespace Nextra.Modules.Cluster;

/// <summary>
/// <see cref="IRunSignals"/> across instances: delivered here at once (<see cref="InProcessRunSignals"/>) and published
/// on one Redis channel for the others. A finished run travels as its id: an instance with a waiter reads the run from
/// the trace store, where it committed before the signal. Signals are hints; the inbox poll and the traces cover a
/// lost one.
/// </summary>
public sealed class RedisRunSignals : IRunSignals
{
    private readonly RedisConnection _redis;
    private readonly InProcessRunSignals _local;
    private readonly ITraceStore _traces;
    private readonly ILogger<RedisRunSignals> _logger;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly RedisChannel _channel;

    public RedisRunSignals(RedisConnection redis, InProcessRunSignals local, ITraceStore traces, ILogger<RedisRunSignals> logger)
    {
        _redis = redis;
        _local = local;
        _traces = traces;
        _logger = logger;
        _channel = redis.Channel("signals");
        redis.Subscriber.Subscribe(_channel).OnMessage(OnMessageAsync);
    }

    public RunWaiter WaitFor(string tenantId, string runId) => _local.WaitFor(tenantId, runId);

    public ValueTask RunFinishedAsync(string tenantId, RunView run, CancellationToken ct = default)
    {
        _local.DeliverFinished(run);
        return PublishAsync(new SignalMessage(_origin, "finished", tenantId, run.FlowId, run.RunId, null));
    }

    public async ValueTask CancelRequestedAsync(RunSignal signal, CancellationToken ct = default)
    {
        await _local.CancelRequestedAsync(signal, ct).ConfigureAwait(false);
        await PublishAsync(new SignalMessage(_origin, "cancel", signal.TenantId, signal.FlowId, signal.RunId, null)).ConfigureAwait(false);
    }

    public async ValueTask WakeFlowAsync(FlowSignal signal, CancellationToken ct = default)
    {
        await _local.WakeFlowAsync(signal, ct).ConfigureAwait(false);
        await PublishAsync(new SignalMessage(_origin, "wake", signal.TenantId, signal.FlowId, null, signal.Change)).ConfigureAwait(false);
    }

    public async ValueTask FlowChangedAsync(FlowSignal signal, CancellationToken ct = default)
    {
        await _local.FlowChangedAsync(signal, ct).ConfigureAwait(false);
        await PublishAsync(new SignalMessage(_origin, "changed", signal.TenantId, signal.FlowId, null, signal.Change)).ConfigureAwait(false);
    }

    public IDisposable Subscribe(IRunSignalHandler handler) => _local.Subscribe(handler);

    private async ValueTask PublishAsync(SignalMessage message)
    {
        try
        {
            await _redis.Subscriber.PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(message, ClusterJsonContext.Default.SignalMessage)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A hint only: the inbox poll and the stored traces catch up with a lost signal.
            _logger.LogWarning(ex, "Signal {Kind} for flow {FlowId} not published", message.Kind, message.FlowId);
        }
    }

    private async Task OnMessageAsync(ChannelMessage received)
    {
        try
        {
            var message = JsonSerializer.Deserialize((byte[])received.Message!, ClusterJsonContext.Default.SignalMessage);
            if (message is null || message.Origin == _origin) return;
            switch (message.Kind)
            {
                case "finished" when message.RunId is { } runId && _local.IsWaited(runId):
                    if (await _traces.GetAsync(message.TenantId, runId).ConfigureAwait(false) is { } run) _local.DeliverFinished(run);
                    break;
                case "cancel" when message.RunId is { } runId:
                    await _local.CancelRequestedAsync(new RunSignal(message.TenantId, message.FlowId, runId)).ConfigureAwait(false);
                    break;
                case "wake":
                    await _local.WakeFlowAsync(new FlowSignal(message.TenantId, message.FlowId, message.Change ?? "")).ConfigureAwait(false);
                    break;
                case "changed":
                    await _local.FlowChangedAsync(new FlowSignal(message.TenantId, message.FlowId, message.Change ?? "")).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "A signal from another instance could not be handled");
        }
    }
}
