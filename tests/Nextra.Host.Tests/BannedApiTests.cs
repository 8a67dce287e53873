using System.Text.RegularExpressions;

namespace Nextra.Host.Tests;

/// <summary>CONVENTIONS.md habit 10 for the host, the control-plane modules and the engine: TimeProvider, no blocking waits.</summary>
public sealed partial class BannedApiTests
{
    [GeneratedRegex(@"DateTime(Offset)?\.(Utc)?Now|Thread\.Sleep|\.Wait\(\)|\.Result\b(?!\s*\()|GetAwaiter\(\)\.GetResult\(\)")]
    private static partial Regex Banned();

    /// <summary>
    /// The deliberate exceptions, by file and member. WebAssembly calls into the host synchronously and Wasmtime's .NET
    /// API has no async host functions, so a host function doing I/O (kv, http_fetch) blocks its pool thread in the
    /// two <c>Block</c> helpers; the call runs under Task.Run with an epoch deadline and its token bounds the wait.
    /// </summary>
    private static readonly (string File, string Member)[] Allowed =
    [
        ("src/Nextra.Pump/Wasm/WasmHostFunctions.cs", "private static T Block<T>(ValueTask<T> task)"),
        ("src/Nextra.Pump/Wasm/WasmHostFunctions.cs", "task.AsTask().GetAwaiter().GetResult();"),
    ];

    [Theory]
    [InlineData("src/Nextra.Host")]
    [InlineData("src/Nextra.Modules")]
    [InlineData("src/Nextra.Pump")]
    public void Sources_UseNoBannedApis(string folder)
    {
        var offenders = Offenders(Path.Combine(RepoRoot.Path, folder));
        Assert.Empty(offenders);
    }

    [Fact]
    public void Allowed_ExceptionsStillExist()
    {
        // Every allowed line is still there (a stale allowance would hide a new blocking wait added beside it).
        foreach (var (file, member) in Allowed)
            Assert.Contains(File.ReadLines(Path.Combine(RepoRoot.Path, file)), l => l.Contains(member, StringComparison.Ordinal) && Banned().IsMatch(l));
    }

    [Theory]
    [InlineData("var x = task.Result;", true)]
    [InlineData("task.Wait();", true)]
    [InlineData("var now = DateTime.UtcNow;", true)]
    [InlineData("return new HandlerResult([Collect.Result(result, context.Listener)]);", false)]
    [InlineData("var r = result.ResultCode;", false)]
    public void Banned_MatchesBlockingWaitsNotLookalikes(string line, bool banned) => Assert.Equal(banned, Banned().IsMatch(line));

    private static List<string> Offenders(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && Banned().IsMatch(x.line))
            .Where(x => !Allowed.Any(a => Path.GetRelativePath(RepoRoot.Path, x.f) == a.File && x.line.Contains(a.Member, StringComparison.Ordinal)))
            .Select(x => $"{Path.GetRelativePath(RepoRoot.Path, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
}
