using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nextra.Modules.Storage;

/// <summary>A file outside the databases that a backup must carry (e.g. the secrets key), named in the archive by <see cref="Name"/>.</summary>
public sealed record BackupFile(string Name, string Path);

/// <summary>
/// Backups a self-hoster can trust: one <c>.tar.gz</c> holding an online, consistent snapshot of every SQLite database
/// (SQLite's backup API, taken while the server runs) and the files modules register (the secrets key). Databases are
/// copied inbox first, then traces, then the rest: a run acknowledged before the snapshot is either still pending in
/// the inbox copy or, if it finished, has its trace in the later traces copy, so recovery after a restore runs it or
/// sees it done, and never loses it.
/// </summary>
public sealed class BackupArchive(
    ISqliteConnectionFactory factory,
    IEnumerable<MigrationSource> sources,
    IEnumerable<BackupFile> files,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<BackupArchive> logger)
{
    /// <summary>Writes the archive to <paramref name="outPath"/> and returns what it holds.</summary>
    public async Task<IReadOnlyList<string>> CreateAsync(string outPath, CancellationToken ct)
    {
        if (options.Value.IsPostgres)
            throw new InvalidOperationException("nextra backup copies SQLite data directories; back up Postgres with pg_dump (and keep the secrets key).");
        var databases = sources.Select(s => s.Database).Append(Databases.ControlPlane).Distinct(StringComparer.Ordinal)
            .OrderBy(d => d switch { Databases.Inbox => 0, Databases.Traces => 1, _ => 2 }).ToList();
        var staging = Path.Combine(factory.DataDir, "backups", ".staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        var entries = new List<string>();
        try
        {
            foreach (var database in databases)
            {
                ct.ThrowIfCancellationRequested();
                var copy = Path.Combine(staging, database + ".db");
                await using (var source = await factory.OpenAsync(database, ct).ConfigureAwait(false))
                await using (var dest = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
                {
                    await dest.OpenAsync(ct).ConfigureAwait(false);
                    // One step over all pages inside one read transaction: a consistent snapshot while writers go on (WAL).
                    source.BackupDatabase(dest);
                }
                entries.Add(database + ".db");
            }
            var full = Path.GetFullPath(outPath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temp = full + ".partial";
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            await using (var gzip = new GZipStream(stream, CompressionLevel.Fastest))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
            {
                var manifest = string.Create(CultureInfo.InvariantCulture,
                    $"nextra backup\ncreated {time.GetUtcNow():O}\nentries {string.Join(' ', entries.Concat(files.Select(f => f.Name)))}\n");
                var manifestEntry = new PaxTarEntry(TarEntryType.RegularFile, "MANIFEST")
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(manifest)),
                };
                await tar.WriteEntryAsync(manifestEntry, ct).ConfigureAwait(false);
                foreach (var entry in entries)
                    await tar.WriteEntryAsync(Path.Combine(staging, entry), entry, ct).ConfigureAwait(false);
                foreach (var file in files.Where(f => File.Exists(f.Path)))
                {
                    await tar.WriteEntryAsync(file.Path, file.Name, ct).ConfigureAwait(false);
                    entries.Add(file.Name);
                }
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, full, overwrite: true);
            logger.LogInformation("Backup written to {Path} ({Entries})", full, string.Join(", ", entries));
            return entries;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Unpacks <paramref name="archive"/> into <paramref name="dataDir"/>. Refuses a directory a server holds, and one
    /// that already has databases unless <paramref name="force"/>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RestoreAsync(string archive, string dataDir, bool force, CancellationToken ct)
    {
        var dir = Path.GetFullPath(dataDir);
        if (DataDirLock.IsHeld(dir))
            throw new IOException($"A nextra server is running on {dir}; stop it before restoring into it.");
        if (!force && Directory.Exists(dir) && Directory.EnumerateFiles(dir, "*.db").Any())
            throw new IOException($"{dir} already holds databases; restore into an empty directory, or pass --force to overwrite them.");
        Directory.CreateDirectory(dir);
        var restored = new List<string>();
        await using var stream = File.OpenRead(archive);
        await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var sawManifest = false;
        while (await tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            if (entry.Name == "MANIFEST")
            {
                sawManifest = true;
                continue;
            }
            // Flat names only: nothing in an archive may point outside the data directory.
            if (entry.EntryType != TarEntryType.RegularFile || entry.Name.Contains('/', StringComparison.Ordinal) || entry.Name.Contains('\\', StringComparison.Ordinal)
                || entry.Name.StartsWith('.'))
                throw new IOException($"Unexpected entry '{entry.Name}' in {archive}: not a nextra backup.");
            var target = Path.Combine(dir, entry.Name);
            foreach (var stale in new[] { target + "-wal", target + "-shm" }.Where(File.Exists)) File.Delete(stale);
            await entry.ExtractToFileAsync(target, overwrite: true, ct).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            restored.Add(entry.Name);
        }
        if (!sawManifest) throw new IOException($"{archive} is not a nextra backup (no MANIFEST).");
        return restored;
    }
}
