namespace Nextra.Pump.Wasm.AssemblyScript;

/// <summary>A compiler message at a 1-based line/column of <see cref="File"/> (<c>module.ts</c> is the user's source).</summary>
public sealed record AscDiagnostic(string Severity, string Code, string Message, int Line, int Column, string File);

/// <summary>The outcome of a build: the .wasm on success, diagnostics either way.</summary>
public sealed record AscBuildResult(bool Success, byte[]? Wasm, IReadOnlyList<AscDiagnostic> Diagnostics, string Log)
{
    /// <summary>One-line summary for validation problems: the first errors with their positions.</summary>
    public string Summary => Diagnostics.Count == 0
        ? (Log.Length > 300 ? Log[..300] : Log)
        : string.Join("; ", Diagnostics.Where(d => d.Severity == "error").Take(3).Select(d => $"{d.File}:{d.Line}:{d.Column}: {d.Code}: {d.Message}"));
}
