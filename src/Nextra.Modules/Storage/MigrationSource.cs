using System.Reflection;

namespace Nextra.Modules.Storage;

/// <summary>
/// One module's migrations: embedded resources named <c>*.{Folder}.Migrations.NNNN_verb_noun.sql</c> (SQLite) and
/// <c>*.{Folder}.Migrations.Postgres.NNNN_verb_noun.sql</c> (Postgres) in <see cref="Assembly"/>, applied to
/// <see cref="Database"/>. Both dialects keep the same numbering, so a schema change is one number in each.
/// </summary>
public sealed record MigrationSource(string Module, Assembly Assembly, string Database, string Folder)
{
    /// <summary>Modules whose tables this one's migrations reference (applied first whatever the registration order).</summary>
    public IReadOnlyList<string> After { get; init; } = [];

    /// <summary>
    /// <paramref name="sources"/> in dependency order (<see cref="After"/>), ties by module name, so the order modules
    /// are registered in never matters.
    /// </summary>
    public static IReadOnlyList<MigrationSource> Ordered(IEnumerable<MigrationSource> sources)
    {
        var pending = sources.GroupBy(s => s.Module, StringComparer.Ordinal).Select(g => g.First())
            .OrderBy(s => s.Module, StringComparer.Ordinal).ToList();
        var known = pending.Select(s => s.Module).ToHashSet(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<MigrationSource>();
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(s => s.After.All(a => done.Contains(a) || !known.Contains(a)))
                ?? throw new InvalidOperationException("Migration dependencies form a cycle: " + string.Join(", ", pending.Select(s => s.Module)));
            ordered.Add(next);
            done.Add(next.Module);
            pending.Remove(next);
        }
        return ordered;
    }

    /// <summary>The module's SQLite migrations ordered by version.</summary>
    public IReadOnlyList<Migration> Load() => Load(StorageProviders.Sqlite);

    /// <summary>The module's migrations for <paramref name="provider"/> ordered by version.</summary>
    public IReadOnlyList<Migration> Load(string provider)
    {
        var marker = "." + Folder + ".Migrations." + (provider == StorageProviders.Postgres ? "Postgres." : "");
        var list = new List<Migration>();
        foreach (var name in Assembly.GetManifestResourceNames())
        {
            var at = name.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at < 0 || !name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var file = name[(at + marker.Length)..];
            if (file.Contains('.', StringComparison.Ordinal) && file.IndexOf('.', StringComparison.Ordinal) != file.Length - 4)
            {
                continue; // a deeper folder (the other dialect), not ours
            }
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file.AsSpan(0, underscore), out var version))
            {
                throw new InvalidOperationException($"Migration '{name}' must be named NNNN_verb_noun.sql.");
            }
            using var stream = Assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(Module, version, file, reader.ReadToEnd()));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Version == list[i - 1].Version)
            {
                throw new InvalidOperationException($"Module '{Module}' has two migrations numbered {list[i].Version}.");
            }
        }
        return list;
    }
}
