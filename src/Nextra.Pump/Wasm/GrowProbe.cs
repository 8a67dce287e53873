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
internal static partial class GrowProbe
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
}
