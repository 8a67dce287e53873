using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Nextra.Pump.Wasm.AssemblyScript;

/// <summary>
/// Builds AssemblyScript code blocks with <c>asc</c> (npm <c>assemblyscript</c>, pinned in tools/asc)
/// in a scratch directory, under a time limit and a V8 heap cap. The SDK is written next to the
/// source as <c>nextra.ts</c>. Results are cached by hash of source + SDK + flags.
/// </summary>
public sealed class AscCompiler
{
    // --use abort= drops the env.abort import (an abort becomes a trap): a module may import nothing but "nextra".
    private static readonly string[] Flags = ["--optimize", "--runtime", "incremental", "--use", "abort=", "--noColors"];
    private readonly AscOptions _options;
    private readonly ConcurrentDictionary<string, AscBuildResult> _memo = new();

    public AscCompiler(AscOptions options)
    {
        _options = options;
        AscDirectory = Locate(options);
    }

    /// <summary>The resolved tools/asc folder, or null when the compiler is not installed.</summary>
    public string? AscDirectory { get; }

    private string? AscScript => AscDirectory is null ? null : Path.Combine(AscDirectory, "node_modules", "assemblyscript", "bin", "asc.js");

    /// <summary>Whether builds can run here; <paramref name="reason"/> says why not.</summary>
    public bool IsAvailable(out string reason)
    {
        if (AscScript is null)
        {
            reason = $"the AssemblyScript compiler is not installed (run `npm ci` in tools/asc or set {AscOptions.DirectoryEnvironmentVariable})";
            return false;
        }
        if (FindOnPath(_options.NodeExecutable) is null)
        {
            reason = $"'{_options.NodeExecutable}' (Node.js) was not found; it runs the AssemblyScript compiler";
            return false;
        }
        reason = "";
        return true;
    }

    public Task<AscBuildResult> BuildAsync(string source, CancellationToken ct) => Task.Run(() => Build(source, ct), ct);

    /// <summary>Compiles <paramref name="source"/> (the user's <c>module.ts</c>). Never throws for user errors.</summary>
    public AscBuildResult Build(string source, CancellationToken ct = default)
    {
        if (Encoding.UTF8.GetByteCount(source) > _options.MaxSourceBytes)
            return Failed($"source is larger than {_options.MaxSourceBytes} bytes");
        if (!IsAvailable(out var reason))
            return Failed(reason);
        var key = Hash(source);
        if (_memo.TryGetValue(key, out var memo))
            return memo;
        var cachePath = _options.CacheDirectory is { } cd ? Path.Combine(cd, key + ".wasm") : null;
        if (cachePath is not null && File.Exists(cachePath))
            return _memo.GetOrAdd(key, new AscBuildResult(true, File.ReadAllBytes(cachePath), [], ""));

        var result = Compile(source, ct);
        if (result.Success)
        {
            _memo.TryAdd(key, result);
            if (cachePath is not null)
                TryWrite(cachePath, result.Wasm!);
        }
        return result;
    }

    private AscBuildResult Compile(string source, CancellationToken ct)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "nextra-asc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            File.WriteAllText(Path.Combine(scratch, "module.ts"), source);
            File.WriteAllText(Path.Combine(scratch, "nextra.ts"), NextraSdk.SourceText);
            var psi = new ProcessStartInfo(_options.NodeExecutable)
            {
                WorkingDirectory = scratch,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add($"--max-old-space-size={_options.MaxMemoryMb}");
            psi.ArgumentList.Add(AscScript!);
            psi.ArgumentList.Add("module.ts");
            psi.ArgumentList.Add("--outFile");
            psi.ArgumentList.Add("module.wasm");
            foreach (var f in Flags)
                psi.ArgumentList.Add(f);
            // The compiler needs nothing from our environment (secrets included).
            psi.Environment.Clear();
            psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
            psi.Environment["HOME"] = scratch;
            psi.Environment["NO_COLOR"] = "1";

            var output = new StringBuilder();
            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using (ct.Register(() => Kill(process)))
            {
                if (!process.WaitForExit(TimeSpan.FromSeconds(_options.TimeoutSeconds)))
                {
                    Kill(process);
                    process.WaitForExit();
                    return Failed($"the compiler did not finish within {_options.TimeoutSeconds} s");
                }
                process.WaitForExit(); // flushes the async output readers
            }
            ct.ThrowIfCancellationRequested();
            string log;
            lock (output)
                log = output.ToString();
            var diagnostics = AscDiagnosticParser.Parse(log);
            var wasmPath = Path.Combine(scratch, "module.wasm");
            if (process.ExitCode == 0 && File.Exists(wasmPath))
                return new AscBuildResult(true, File.ReadAllBytes(wasmPath), diagnostics, log);
            if (diagnostics.Count == 0 && log.Contains("heap out of memory", StringComparison.OrdinalIgnoreCase))
                return Failed($"the compiler ran out of memory ({_options.MaxMemoryMb} MiB)", log);
            return new AscBuildResult(false, null, diagnostics, log);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); }
            catch (IOException) { }
        }
    }

    private static void Kill(Process p)
    {
        try { p.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static AscBuildResult Failed(string message, string log = "") =>
        new(false, null, [new AscDiagnostic("error", "asc", message, 0, 0, "")], log.Length > 0 ? log : message);

    private static string Hash(string source)
    {
        var text = "asc-0.28.20;" + string.Join(' ', Flags) + "\n" + NextraSdk.SourceText + "\n\0" + source;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static void TryWrite(string path, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string? Locate(AscOptions options)
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "node_modules", "assemblyscript", "bin", "asc.js"));
        foreach (var candidate in new[] { options.AscDirectory, Environment.GetEnvironmentVariable(AscOptions.DirectoryEnvironmentVariable) })
        {
            if (!string.IsNullOrWhiteSpace(candidate))
                return Has(candidate) ? Path.GetFullPath(candidate) : null;
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var tools = Path.Combine(dir.FullName, "tools", "asc");
                if (Has(tools))
                    return tools;
            }
        }
        return null;
    }

    private static string? FindOnPath(string exe)
    {
        if (Path.IsPathRooted(exe))
            return File.Exists(exe) ? exe : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, exe);
            if (File.Exists(p))
                return p;
        }
        return null;
    }
}
