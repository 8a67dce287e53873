using System.Security.Cryptography;

namespace Nextra.Modules.Runs;

/// <summary>
/// Run ids: 32 hex characters, strictly increasing within the process and time-ordered across
/// restarts (milliseconds × 4096 + a counter, then 64 random bits), so ORDER BY run_id is
/// creation order and works as a paging cursor. (UUIDv7 is random within a millisecond.)
/// </summary>
public static class RunIds
{
    private static long _last;

    public static string New(TimeProvider? time = null)
    {
        var candidate = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds() << 12;
        long next;
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            next = Math.Max(candidate, last + 1);
            if (Interlocked.CompareExchange(ref _last, next, last) == last) break;
        }
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return next.ToString("x16") + Convert.ToHexStringLower(random);
    }
}
