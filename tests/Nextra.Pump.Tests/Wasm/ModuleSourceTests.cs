using System.Text;
using Nextra.Pump.Wasm;

namespace Nextra.Pump.Tests.Wasm;

public sealed class ModuleSourceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nextra-modules-" + Guid.NewGuid().ToString("N"));

    public ModuleSourceTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "upper.wat"), "(module)");
        File.WriteAllText(Path.Combine(_dir, "upper@1.9.wat"), "(module) ;; 1.9");
        File.WriteAllBytes(Path.Combine(_dir, "upper@1.10.wasm"), [0, (byte)'a', (byte)'s', (byte)'m', 1, 0, 0, 0]);
        File.WriteAllText(Path.Combine(_dir, "plain.wat"), "(module)");
    }

    [Fact]
    public void Find_NoVersion_PicksHighestNumericVersion()
    {
        var found = new DirectoryWasmModuleSource(_dir).Find("upper", null)!;
        Assert.Equal("1.10", found.Version);
        Assert.NotNull(found.Code.Binary);
    }

    [Fact]
    public void Find_ExactVersion_ReturnsText()
    {
        var found = new DirectoryWasmModuleSource(_dir).Find("upper", "1.9")!;
        Assert.Contains("1.9", found.Code.Text);
    }

    [Fact]
    public void Find_UnversionedOnly_ReturnsIt() => Assert.NotNull(new DirectoryWasmModuleSource(_dir).Find("plain", null));

    [Theory]
    [InlineData("../etc/passwd", null)]
    [InlineData("missing", null)]
    [InlineData("upper", "../../x")]
    [InlineData("upper", "2")]
    public void Find_BadOrMissing_ReturnsNull(string name, string? version) =>
        Assert.Null(new DirectoryWasmModuleSource(_dir).Find(name, version));

    [Fact]
    public void InMemory_Latest_ByVersionOrder()
    {
        var source = new InMemoryWasmModuleSource()
            .Add("m", "2", WasmCode.FromText("m", "a"))
            .Add("m", "10", WasmCode.FromText("m", "b"));
        Assert.Equal("10", source.Find("m", null)!.Version);
        Assert.Equal("a", source.Find("m", "2")!.Code.Text);
    }

    [Fact]
    public void FromFileBytes_WatText_IsText() =>
        Assert.Equal("(module)", WasmCode.FromFileBytes("x", Encoding.UTF8.GetBytes("(module)")).Text);

    public void Dispose() => Directory.Delete(_dir, true);
}
