using System.Text.RegularExpressions;

namespace Nextra.Host.Tests;

/// <summary>CONVENTIONS.md habit 10 for the host and the control-plane modules: TimeProvider, no blocking waits.</summary>
public sealed partial class BannedApiTests
{
    [GeneratedRegex(@"DateTime(Offset)?\.(Utc)?Now|Thread\.Sleep|\.Wait\(\)|\.Result\b|GetAwaiter\(\)\.GetResult\(\)")]
    private static partial Regex Banned();

    [Theory]
    [InlineData("src/Nextra.Host")]
    [InlineData("src/Nextra.Modules")]
    public void Sources_UseNoBannedApis(string folder)
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && Banned().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoRoot.Path, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }
}
