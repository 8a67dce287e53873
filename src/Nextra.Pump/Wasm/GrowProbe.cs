namespace Nextra.Pump.Wasm;

/// <summary>
/// Rewrites a module so every <c>memory.grow</c> of memory 0 goes through an appended function that
/// records a refused grow (the page count asked for) in an appended, exported global. Wasmtime's C API
/// has no limiter callback, and a refused grow returns -1 silently; with the record, a trap that follows
/// is classified <c>wasm_memory_limit</c> by what happened rather than by how close memory is to the cap.
/// Only appends (a type, a function, a global, an export), so no existing index moves. Returns null
/// whenever the module is outside what it understands (GC types, memory64, unknown opcodes…): the
/// module then runs unchanged.
/// </summary>
internal static class GrowProbe
{
    /// <summary>Export name of the global holding the page count of the last refused <c>memory.grow</c> (0 = none).</summary>
    public const string RefusedExport = "__nextra_grow_refused";

    private const byte SecType = 1, SecImport = 2, SecFunction = 3, SecMemory = 5, SecGlobal = 6, SecExport = 7, SecCode = 10;

    public static byte[]? Instrument(byte[] wasm)
    {
        try
        {
            return TryInstrument(wasm);
        }
        catch (FormatException)
        {
            return null; // truncated or odd: let the engine report it on the original bytes
        }
    }

    private static byte[]? TryInstrument(byte[] wasm)
    {
        if (wasm.Length < 8 || wasm[0] != 0 || wasm[1] != (byte)'a' || wasm[2] != (byte)'s' || wasm[3] != (byte)'m' || wasm[4] != 1)
            return null;
        var sections = new List<(byte Id, int Start, int Length)>();
        var r = new Reader(wasm, 8, wasm.Length);
        while (!r.AtEnd)
        {
            var id = r.Byte();
            var length = (int)r.U32();
            sections.Add((id, r.Pos, length));
            r.Skip(length);
        }
        int types = 0, importedFuncs = 0, importedGlobals = 0, definedFuncs = 0, definedGlobals = 0;
        bool memory64 = false, hasMemory = false, growFound = false;
        foreach (var (id, start, length) in sections)
        {
            var s = new Reader(wasm, start, start + length);
            switch (id)
            {
                case SecType:
                    types = (int)s.U32();
                    for (var i = 0; i < types; i++)
                    {
                        if (s.Byte() != 0x60)
                            return null; // GC rec groups / subtypes: type indices no longer equal entries
                        SkipValTypes(ref s);
                        SkipValTypes(ref s);
                    }
                    break;
                case SecImport:
                    for (var n = s.U32(); n > 0; n--)
                    {
                        s.Skip((int)s.U32());
                        s.Skip((int)s.U32());
                        switch (s.Byte())
                        {
                            case 0x00: s.U32(); importedFuncs++; break;
                            case 0x01: SkipValType(ref s); SkipLimits(ref s, out _); break;
                            case 0x02: SkipLimits(ref s, out var is64); memory64 |= !hasMemory && is64; hasMemory = true; break;
                            case 0x03: SkipValType(ref s); s.Byte(); importedGlobals++; break;
                            case 0x04: s.Byte(); s.U32(); break;
                            default: return null;
                        }
                    }
                    break;
                case SecFunction:
                    definedFuncs = (int)s.U32();
                    break;
                case SecMemory:
                    if (s.U32() > 0)
                    {
                        SkipLimits(ref s, out var is64);
                        memory64 |= !hasMemory && is64;
                        hasMemory = true;
                    }
                    break;
                case SecGlobal:
                    definedGlobals = (int)s.U32();
                    break;
                case SecExport:
                    for (var n = s.U32(); n > 0; n--)
                    {
                        var nameLength = (int)s.U32();
                        if (System.Text.Encoding.UTF8.GetString(wasm, s.Pos, nameLength) == RefusedExport)
                            return null;
                        s.Skip(nameLength);
                        s.Byte();
                        s.U32();
                    }
                    break;
            }
        }
        if (!hasMemory || memory64 || !sections.Exists(x => x.Id == SecCode) || !sections.Exists(x => x.Id == SecExport))
            return null;

        var probeType = types;
        var probeFunc = importedFuncs + definedFuncs;
        var global = importedGlobals + definedGlobals;
        var output = new Writer(wasm.Length + 128);
        output.Bytes(wasm.AsSpan(0, 8));
        var wroteType = false;
        var wroteGlobal = false;
        foreach (var (id, start, length) in sections)
        {
            var body = wasm.AsSpan(start, length);
            // Missing type / global sections are created where the section order wants them.
            if (!wroteType && id != 0 && Rank(id) > Rank(SecType))
            {
                output.Section(SecType, Vector(0, [], ProbeType()));
                wroteType = true;
            }
            if (!wroteGlobal && id != 0 && Rank(id) > Rank(SecGlobal))
            {
                output.Section(SecGlobal, Vector(0, [], ProbeGlobal()));
                wroteGlobal = true;
            }
            switch (id)
            {
                case SecType:
                    output.Section(id, Append(body, ProbeType()));
                    wroteType = true;
                    break;
                case SecFunction:
                    output.Section(id, Append(body, Leb((uint)probeType)));
                    break;
                case SecGlobal:
                    output.Section(id, Append(body, ProbeGlobal()));
                    wroteGlobal = true;
                    break;
                case SecExport:
                    output.Section(id, Append(body, ProbeExport((uint)global)));
                    break;
                case SecCode:
                    var code = RewriteCode(wasm, start, length, (uint)probeFunc, (uint)global, ref growFound);
                    if (code is null)
                        return null;
                    output.Section(id, code);
                    break;
                default:
                    output.Section(id, body.ToArray());
                    break;
            }
        }
        return growFound ? output.ToArray() : null;
    }

    /// <summary>Order of the known sections (the tag section, 13, sits between memory and global).</summary>
    private static int Rank(byte id) => id switch
    {
        13 => 55,
        12 => 95, // data count, before code
        _ => id * 10,
    };

    private static byte[] ProbeType() => [0x60, 0x01, 0x7F, 0x01, 0x7F];

    private static byte[] ProbeGlobal() => [0x7F, 0x01, 0x41, 0x00, 0x0B];

    private static byte[] ProbeExport(uint global)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(RefusedExport);
        return [.. Leb((uint)name.Length), .. name, 0x03, .. Leb(global)];
    }

    /// <summary>(param $pages i32) (result i32) (local $r i32): grow; on -1 remember $pages; return the result.</summary>
    private static byte[] ProbeBody(uint global)
    {
        byte[] code =
        [
            0x01, 0x01, 0x7F, // one local i32
            0x20, 0x00, 0x40, 0x00, 0x22, 0x01, // local.get 0; memory.grow 0; local.tee 1
            0x41, 0x7F, 0x46, 0x04, 0x40, // i32.const -1; i32.eq; if
            0x20, 0x00, 0x24, .. Leb(global), // local.get 0; global.set G
            0x0B, 0x20, 0x01, 0x0B, // end; local.get 1; end
        ];
        return [.. Leb((uint)code.Length), .. code];
    }

    /// <summary>A vector section body with one more entry appended (count re-encoded).</summary>
    private static byte[] Append(ReadOnlySpan<byte> body, byte[] entry)
    {
        var r = new Reader(body.ToArray(), 0, body.Length);
        var count = r.U32();
        return Vector(count, body[r.Pos..].ToArray(), entry);
    }

    private static byte[] Vector(uint count, byte[] entries, byte[] extra) => [.. Leb(count + 1), .. entries, .. extra];

    private static byte[]? RewriteCode(byte[] wasm, int start, int length, uint probeFunc, uint global, ref bool growFound)
    {
        var r = new Reader(wasm, start, start + length);
        var count = r.U32();
        var output = new Writer(length + 64);
        output.Bytes(Leb(count + 1));
        var body = new Writer(1024);
        for (var f = 0; f < count; f++)
        {
            var size = (int)r.U32();
            var end = r.Pos + size;
            var b = new Reader(wasm, r.Pos, end);
            var bodyStart = b.Pos;
            for (var n = b.U32(); n > 0; n--)
            {
                b.U32();
                SkipValType(ref b);
            }
            body.Clear();
            body.Bytes(wasm.AsSpan(bodyStart, b.Pos - bodyStart));
            var copied = b.Pos;
            while (!b.AtEnd)
            {
                var at = b.Pos;
                var op = b.Byte();
                if (op == 0x40)
                {
                    if (b.U32() == 0)
                    {
                        body.Bytes(wasm.AsSpan(copied, at - copied));
                        body.Byte(0x10);
                        body.Bytes(Leb(probeFunc));
                        copied = b.Pos;
                        growFound = true;
                    }
                    continue;
                }
                if (!SkipImmediates(op, ref b))
                    return null;
            }
            body.Bytes(wasm.AsSpan(copied, end - copied));
            output.Bytes(Leb((uint)body.Length));
            output.Bytes(body.Span);
            r.Skip(size);
        }
        output.Bytes(ProbeBody(global));
        return output.ToArray();
    }

    /// <summary>Skips one instruction's immediates; false for an opcode this reader does not know.</summary>
    private static bool SkipImmediates(byte op, ref Reader r)
    {
        switch (op)
        {
            case 0x00 or 0x01 or 0x05 or 0x0A or 0x0B or 0x0F or 0x19 or 0x1A or 0x1B or 0xD1 or 0xD3 or 0xD4:
            case >= 0x45 and <= 0xC4:
                return true;
            case 0x02 or 0x03 or 0x04 or 0x06:
                SkipBlockType(ref r);
                return true;
            case 0x07 or 0x08 or 0x09 or 0x18 or 0x0C or 0x0D or 0x10 or 0x12 or 0x14 or 0x15 or 0xD2 or 0xD5 or 0xD6:
            case >= 0x20 and <= 0x26:
            case 0x3F:
                r.U32();
                return true;
            case 0x11 or 0x13:
                r.U32();
                r.U32();
                return true;
            case 0x0E:
                for (var n = r.U32(); n > 0; n--)
                    r.U32();
                r.U32();
                return true;
            case 0x1C:
                SkipValTypes(ref r);
                return true;
            case 0x1F:
                SkipBlockType(ref r);
                for (var n = r.U32(); n > 0; n--)
                {
                    var kind = r.Byte();
                    if (kind is 0x00 or 0x01)
                        r.U32();
                    r.U32();
                }
                return true;
            case >= 0x28 and <= 0x3E:
                SkipMemArg(ref r);
                return true;
            case 0x41 or 0x42:
                r.S64();
                return true;
            case 0x43:
                r.Skip(4);
                return true;
            case 0x44:
                r.Skip(8);
                return true;
            case 0xD0:
                SkipHeapType(ref r);
                return true;
            case 0xFC:
                return SkipMisc(r.U32(), ref r);
            case 0xFD:
                return SkipSimd(r.U32(), ref r);
            case 0xFE:
                var atomic = r.U32();
                if (atomic == 0x03)
                    r.Byte();
                else
                    SkipMemArg(ref r);
                return true;
            default:
                return false; // GC (0xFB) and anything newer: leave the module alone
        }
    }

    private static bool SkipMisc(uint sub, ref Reader r)
    {
        switch (sub)
        {
            case <= 7:
                return true;
            case 8 or 10 or 12 or 14:
                r.U32();
                r.U32();
                return true;
            case 9 or 11 or 13 or 15 or 16 or 17:
                r.U32();
                return true;
            default:
                return false;
        }
    }

    private static bool SkipSimd(uint sub, ref Reader r)
    {
        switch (sub)
        {
            case <= 11 or 92 or 93:
                SkipMemArg(ref r);
                return true;
            case 12 or 13:
                r.Skip(16);
                return true;
            case >= 21 and <= 34:
                r.Byte();
                return true;
            case >= 84 and <= 91:
                SkipMemArg(ref r);
                r.Byte();
                return true;
            case <= 0x113:
                return true;
            default:
                return false;
        }
    }

    private static void SkipMemArg(ref Reader r)
    {
        var align = r.U32();
        if ((align & 0x40) != 0)
            r.U32();
        r.U64();
    }

    private static void SkipBlockType(ref Reader r)
    {
        var first = r.Peek();
        if (first == 0x40 || IsShortValType(first))
        {
            r.Byte();
            return;
        }
        if (first is 0x63 or 0x64)
        {
            r.Byte();
            SkipHeapType(ref r);
            return;
        }
        r.S64(); // a type index (s33)
    }

    private static bool IsShortValType(byte b) => b is (>= 0x69 and <= 0x74) or (>= 0x7B and <= 0x7F);

    private static void SkipValTypes(ref Reader r)
    {
        for (var n = r.U32(); n > 0; n--)
            SkipValType(ref r);
    }

    private static void SkipValType(ref Reader r)
    {
        var b = r.Byte();
        if (b is 0x63 or 0x64)
            SkipHeapType(ref r);
        else if (!IsShortValType(b))
            throw new FormatException("value type");
    }

    private static void SkipHeapType(ref Reader r)
    {
        if (IsShortValType(r.Peek()))
            r.Byte();
        else
            r.S64();
    }

    private static void SkipLimits(ref Reader r, out bool is64)
    {
        var flags = r.Byte();
        is64 = (flags & 0x04) != 0;
        r.U64();
        if ((flags & 0x01) != 0)
            r.U64();
        if ((flags & 0x08) != 0)
            r.U32(); // custom page size
    }

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
