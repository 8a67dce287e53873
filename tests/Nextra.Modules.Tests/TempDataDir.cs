namespace Nextra.Modules.Tests;

/// <summary>A fresh directory under /tmp, deleted on dispose.</summary>
public sealed class TempDataDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nextra-test-" + Guid.NewGuid().ToString("N"));

    public TempDataDir() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; a leftover temp dir must not fail a test.
        }
    }
}
