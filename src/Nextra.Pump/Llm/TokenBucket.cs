namespace Nextra.Pump.Llm;

/// <summary>Tokens-per-minute limiter: holds up to one minute of tokens, refilled continuously.</summary>
internal sealed class TokenBucket(int tokensPerMinute, TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = tokensPerMinute;
    private long _stamp = time.GetTimestamp();

    /// <summary>Takes <paramref name="tokens"/> (capped at the bucket size) or says how long until they are there.</summary>
    public bool TryTake(int tokens, out TimeSpan wait)
    {
        var need = Math.Min(tokens, tokensPerMinute);
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(tokensPerMinute, _tokens + time.GetElapsedTime(_stamp, now).TotalMinutes * tokensPerMinute);
            _stamp = now;
            if (_tokens >= need)
            {
                _tokens -= need;
                wait = TimeSpan.Zero;
                return true;
            }
            wait = TimeSpan.FromMinutes((need - _tokens) / tokensPerMinute);
            return false;
        }
    }

    /// <summary>Corrects the reservation once the real count is known (never below empty).</summary>
    public void Adjust(int reserved, int actual)
    {
        lock (_lock)
            _tokens = Math.Clamp(_tokens + reserved - actual, 0, tokensPerMinute);
    }
}
