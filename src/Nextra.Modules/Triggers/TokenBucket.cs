namespace Nextra.Modules.Triggers;

/// <summary>
/// A token bucket refilled continuously from <see cref="TimeProvider"/>: <c>rate</c> tokens per
/// second up to <c>burst</c>. Thread-safe; one per webhook trigger.
/// </summary>
public sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(double ratePerSecond, double burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _lastTimestamp = time.GetTimestamp();
    }

    /// <summary>Takes one token; false when the bucket is empty (the caller answers 429).</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            _lastTimestamp = now;
            _tokens = Math.Min(_burst, _tokens + elapsed * _ratePerSecond);
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Seconds until one token is available (for Retry-After).</summary>
    public double SecondsUntilToken()
    {
        lock (_gate) return _tokens >= 1 ? 0 : (1 - _tokens) / _ratePerSecond;
    }
}
