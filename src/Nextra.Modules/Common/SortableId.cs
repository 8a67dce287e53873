using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Nextra.Modules.Common;

/// <summary>
/// Time-ordered ids (UUID version 7, RFC 9562) that are also strictly increasing within this process: the 12 bits after
/// the millisecond timestamp are a counter (RFC 9562 §6.2, method 1) instead of random bits, so two records written in the
/// same millisecond keep their order when a store sorts by id. <see cref="Guid.CreateVersion7(DateTimeOffset)"/> fills
/// those bits at random, which put an audit entry before the one written just before it. Across processes the order is
/// that of the clocks, as before.
/// </summary>
public static class SortableId
{
    private static readonly Lock Gate = new();
    private static long _lastMs = -1;
    private static int _counter;

    public static Guid NewGuid(DateTimeOffset at)
    {
        long ms = Math.Max(0, at.ToUnixTimeMilliseconds());
        int counter;
        lock (Gate)
        {
            if (ms <= _lastMs)
            {
                ms = _lastMs;
                if (++_counter > 0xFFF) { ms++; _counter = 0; } // 4,096 ids in one millisecond: borrow the next one
            }
            else _counter = 0;
            _lastMs = ms;
            counter = _counter;
        }
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, ms << 16);            // 48-bit timestamp, then 16 bits we set below
        bytes[6] = (byte)(0x70 | (counter >> 8));                          // version 7 + the counter's high 4 bits
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));                       // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The id as text in the "D" format (what the stores keep).</summary>
    public static string New(DateTimeOffset at) => NewGuid(at).ToString();
}
