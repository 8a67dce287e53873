namespace Nextra.Pump.Wasm;

/// <summary>A module's code as stored: binary WebAssembly or WebAssembly text (WAT).</summary>
public sealed class WasmCode
{
    private WasmCode(string name, byte[]? binary, string? text)
    {
        Name = name;
        Binary = binary;
        Text = text;
    }

    /// <summary>A label for errors and the engine (e.g. <c>upper@2</c> or <c>inline:listener</c>).</summary>
    public string Name { get; }
    public byte[]? Binary { get; }
    public string? Text { get; }
    public int Size => Binary?.Length ?? System.Text.Encoding.UTF8.GetByteCount(Text!);

    public static WasmCode FromBinary(string name, byte[] bytes) => new(name, bytes, null);
    public static WasmCode FromText(string name, string wat) => new(name, null, wat);

    /// <summary>Binary when it starts with the <c>\0asm</c> magic, else treated as WAT text.</summary>
    public static WasmCode FromFileBytes(string name, byte[] bytes) =>
        bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == (byte)'a' && bytes[2] == (byte)'s' && bytes[3] == (byte)'m'
            ? FromBinary(name, bytes)
            : FromText(name, System.Text.Encoding.UTF8.GetString(bytes));
}
