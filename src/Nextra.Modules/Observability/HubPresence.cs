namespace Nextra.Modules.Observability;

/// <summary>How many clients are connected to the events hub: with none, live events are not even formatted.</summary>
public sealed class HubPresence
{
    private int _connections;
    public bool Anyone => Volatile.Read(ref _connections) > 0;
    internal void Connected() => Interlocked.Increment(ref _connections);
    internal void Disconnected() => Interlocked.Decrement(ref _connections);
}
