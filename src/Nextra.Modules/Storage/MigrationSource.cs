using System.Reflection;

namespace Nextra.Modules.Storage;

/// <summary>
/// One module's migrations: embedded resources named <c>*.{Folder}.Migrations.NNNN_verb_noun.sql</c>
/// in <see cref="Assembly"/>, applied to <see cref="Database"/>.
/// </summary>
public sealed record MigrationSource(string Module, Assembly Assembly, string Database, string Folder)
{
    /// <summary>The module's migrations ordered by version.</summary>
    public IReadOnlyList<Migration> Load()
    {
        var marker = "." + Folder + ".Migrations.";
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
                continue; // a deeper folder, not ours
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
