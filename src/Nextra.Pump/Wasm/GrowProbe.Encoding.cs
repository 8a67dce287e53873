namespace Nextra.Pump.Wasm;

/// <summary>GrowProbe's binary encoding: LEB128, and the reader and writer of module bytes.</summary>
internal static partial class GrowProbe
{
    private static byte[] Leb(uint value)
    {
        Span<byte> buffer = stackalloc byte[5];
        var n = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            buffer[n++] = value != 0 ? (byte)(b | 0x80) : b;
        }
        while (value != 0);
        return buffer[..n].ToArray();
    }

    private ref struct Reader(byte[] data, int pos, int end)
    {
        public int Pos = pos;

        public readonly bool AtEnd => Pos >= end;

        public byte Peek() => Pos < end ? data[Pos] : throw new FormatException("truncated");

        public byte Byte() => Pos < end ? data[Pos++] : throw new FormatException("truncated");

        public void Skip(int n)
        {
            if (n < 0 || Pos + n > end)
                throw new FormatException("truncated");
            Pos += n;
        }

        public uint U32() => (uint)U64();

        public ulong U64()
        {
            ulong result = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = Byte();
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                    return result;
            }
            throw new FormatException("LEB128 too long");
        }

        public void S64() => U64();
    }

    private sealed class Writer(int capacity)
    {
        private byte[] _buffer = new byte[Math.Max(16, capacity)];

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

        public void Clear() => Length = 0;

        public void Byte(byte b) => Bytes([b]);

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes.Length));
            bytes.CopyTo(_buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public void Section(byte id, byte[] content)
        {
            Byte(id);
            Bytes(Leb((uint)content.Length));
            Bytes(content);
        }

        public byte[] ToArray() => Span.ToArray();
    }
}
