using System.Collections.Concurrent;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>Flow services for handler tests: a real in-memory project memory, a recording event sink.</summary>
internal sealed class TestServices(HttpClient? egress = null, bool withMemory = true, IReadOnlyDictionary<string, string>? secrets = null) : IFlowServices
{
    public ISecretResolver Secrets => secrets is null ? throw new NotSupportedException() : new MapSecrets(secrets);
    public IProjectMemory? Memory { get; } = withMemory ? new InMemoryProjectMemory() : null;
    public RecordingSink Sink { get; } = new();
    public IRunEventSink Events => Sink;
    public HttpClient Egress { get; } = egress ?? new HttpClient();
    public TimeProvider Time => TimeProvider.System;
    public ITokenBudget Budget => throw new NotSupportedException();
    public Nextra.Pump.Wasm.WasmTierLimits? WasmLimits { get; init; }
}

internal sealed class InMemoryProjectMemory(int maxValueBytes = 1024) : IProjectMemory
{
    public ConcurrentDictionary<string, byte[]> Values { get; } = new();

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken ct) => ValueTask.FromResult(Values.TryGetValue(key, out var v) ? v : null);

    public ValueTask SetAsync(string key, byte[] value, CancellationToken ct)
    {
        if (value.Length > maxValueBytes)
            throw new HandlerException("memory_quota", "too big");
        Values[key] = value;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DeleteAsync(string key, CancellationToken ct) => ValueTask.FromResult(Values.TryRemove(key, out _));
}

internal sealed class RecordingSink : IRunEventSink
{
    public ConcurrentQueue<(string Listener, string Level, string Message)> Logs { get; } = new();
    public void Token(string runId, int stepIndex, string listener, string text) { }
    public void Log(string runId, int stepIndex, string listener, string level, string message) => Logs.Enqueue((listener, level, message));
}

internal sealed class MapSecrets(IReadOnlyDictionary<string, string> values) : ISecretResolver
{
    public ValueTask<string?> GetAsync(string name, CancellationToken ct) => ValueTask.FromResult(values.TryGetValue(name, out var v) ? v : null);
}
