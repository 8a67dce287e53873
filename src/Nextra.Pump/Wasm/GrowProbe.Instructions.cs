namespace Nextra.Pump.Wasm;

/// <summary>GrowProbe's instruction reader: skips the immediates of every opcode it knows while it scans code bodies.</summary>
internal static partial class GrowProbe
{
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
}
