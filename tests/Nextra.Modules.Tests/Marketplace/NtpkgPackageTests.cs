using System.IO.Compression;
using System.Text;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace;

namespace Nextra.Modules.Tests.Marketplace;

/// <summary>The .ntpkg format: pack a folder, read it back; malformed or oversized packages are refused with the reason.</summary>
public sealed class NtpkgPackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ntpkg-").FullName;

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(content);
            }
        return buffer.ToArray();
    }

    private static string Refusal(byte[] package, long max = 1 << 20) =>
        Assert.Throws<ApiException>(() => NtpkgPackage.Read(new MemoryStream(package), max)).Detail!;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Pack_ToolFolder_ReadsBackItsManifestReadmeAndModule()
    {
        Write("manifest.json", """{"kind":"tool","name":"echo","version":"1.2.0","summary":"Echoes","categories":["utility"],"permissions":{"log":true,"http":{"hosts":["https://api.example.com"]}}}""");
        Write("README.md", "# Echo");
        Write("module.wat", "(module)");
        Write("notes.txt", "not packed");
        var bytes = NtpkgPackage.Pack(_dir, 1 << 20);
        Assert.Equal(bytes, NtpkgPackage.Pack(_dir, 1 << 20)); // reproducible

        using (var zip = new ZipArchive(new MemoryStream(bytes)))
            Assert.Equal(["README.md", "manifest.json", "module.wat"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var read = NtpkgPackage.Read(new MemoryStream(bytes), 1 << 20);
        Assert.Equal(("tool", "echo", "1.2.0", "# Echo"), (read.Request.Kind, read.Request.Name, read.Request.Version, read.Request.Readme));
        Assert.True(read.Request.Permissions!.Log);
        Assert.Equal(["https://api.example.com"], read.Request.Permissions.Http!.Hosts);
        Assert.Equal("tool.wat", read.ModuleFile);
        Assert.Equal("(module)", Encoding.UTF8.GetString(read.Module!));
        Assert.Null(read.FlowYaml);
    }

    [Fact]
    public void Pack_TemplateFolder_CarriesFlowYamlAndInputs()
    {
        Write("manifest.json", """{"kind":"flow","name":"desk","version":"1.0.0","summary":"Desk","categories":["support"],"inputs":[{"id":"label","required":true}]}""");
        Write("flow.yaml", "organism: {name: desk}\n");
        var read = NtpkgPackage.Read(new MemoryStream(NtpkgPackage.Pack(_dir, 1 << 20)), 1 << 20);
        Assert.Equal("flow", read.Request.Kind);
        Assert.Equal("label", Assert.Single(read.Request.Inputs!).Id);
        Assert.Equal("organism: {name: desk}\n", read.FlowYaml);
        Assert.Null(read.Module);
    }

    [Fact]
    public void Read_MalformedPackages_RefusedWithTheReason()
    {
        var tool = Utf8("""{"kind":"tool","name":"x","version":"1.0.0"}""");
        Assert.Contains("not a zip", Refusal(Utf8("plain text")));
        Assert.Contains("no manifest.json", Refusal(Zip(("module.wasm", [0]))));
        Assert.Contains("'../evil.sh' does not belong", Refusal(Zip(("manifest.json", tool), ("../evil.sh", [1]))));
        Assert.Contains("'sub/module.wasm' does not belong", Refusal(Zip(("manifest.json", tool), ("sub/module.wasm", [1]))));
        Assert.Contains("exactly one of module.wasm or module.wat", Refusal(Zip(("manifest.json", tool), ("module.wasm", [0]), ("module.wat", [0]))));
        Assert.Contains("exactly one of module.wasm or module.wat", Refusal(Zip(("manifest.json", tool), ("module.wasm", [0]), ("flow.yaml", [0]))));
        Assert.Contains("holds flow.yaml and no module", Refusal(Zip(("manifest.json", Utf8("""{"kind":"flow"}""")), ("module.wasm", [0]))));
        Assert.Contains("kind is tool or flow", Refusal(Zip(("manifest.json", Utf8("""{"kind":"plugin"}""")), ("module.wasm", [0]))));
        Assert.Contains("not valid JSON", Refusal(Zip(("manifest.json", Utf8("{kind")), ("module.wasm", [0]))));
        Assert.Contains("appears twice", Refusal(Zip(("manifest.json", tool), ("module.wasm", [0]), ("module.wasm", [0]))));
        // A module larger than the limit, however well it compresses.
        Assert.Contains("module.wasm is 4096 bytes; at most 1024", Refusal(Zip(("manifest.json", tool), ("module.wasm", new byte[4096])), max: 1024));
    }

    [Fact]
    public void Pack_NotAFolderOrIncomplete_ArgumentErrorNamesIt()
    {
        Assert.Contains("is not a folder", Assert.Throws<ArgumentException>(() => NtpkgPackage.Pack(Path.Combine(_dir, "missing"), 1 << 20)).Message);
        Write("module.wasm", "x");
        Assert.Contains("no manifest.json", Assert.Throws<ArgumentException>(() => NtpkgPackage.Pack(_dir, 1 << 20)).Message);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
