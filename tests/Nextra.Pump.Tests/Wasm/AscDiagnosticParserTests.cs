using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Pump.Tests.Wasm;

public sealed class AscDiagnosticParserTests
{
    // Captured from asc 0.28.20 (with colours, as a terminal would get them).
    private const string Output = "\u001b[91mERROR\u001b[0m TS2322: Type '~lib/string/String' is not assignable to type 'i32'.\n" +
        "   :\n 2 │ let x: i32 = \"no\";\n   │              ~~~~\n   └─ in module.ts(2,16)\n\n" +
        "WARNING AS235: Only variables, functions and enums become WebAssembly module exports.\n   :\n   └─ in nextra.ts(40,3)\n\n" +
        "ERROR: something without a location\n" +
        "FAILURE 2 compile error(s)\n";

    [Fact]
    public void Parse_AscOutput_YieldsLocatedDiagnostics()
    {
        var d = AscDiagnosticParser.Parse(Output);
        Assert.Equal(3, d.Count);
        Assert.Equal(new AscDiagnostic("error", "TS2322", "Type '~lib/string/String' is not assignable to type 'i32'.", 2, 16, "module.ts"), d[0]);
        Assert.Equal(("warning", "AS235", 40, 3, "nextra.ts"), (d[1].Severity, d[1].Code, d[1].Line, d[1].Column, d[1].File));
        Assert.Equal(("error", "", 0, 0), (d[2].Severity, d[2].Code, d[2].Line, d[2].Column));
    }

    [Fact]
    public void Summary_ListsErrorsWithPositions()
    {
        var result = new AscBuildResult(false, null, AscDiagnosticParser.Parse(Output), Output);
        Assert.StartsWith("module.ts:2:16: TS2322:", result.Summary);
        Assert.DoesNotContain("AS235", result.Summary);
    }

    [Fact]
    public void Build_WithoutCompiler_ReportsUnavailable()
    {
        var compiler = new AscCompiler(new AscOptions { AscDirectory = Path.Combine(Path.GetTempPath(), "no-such-asc-" + Guid.NewGuid()) });
        Assert.Null(compiler.AscDirectory);
        var result = compiler.Build("export function handle(): void {}");
        Assert.False(result.Success);
        Assert.Contains("npm ci", Assert.Single(result.Diagnostics).Message);
    }
}
