using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Tomlyn;
using Tomlyn.Model;

namespace Nextra.Host.Configuration;

/// <summary>
/// Builds the layered configuration: built-in defaults &lt; nextra.toml &lt; NEXTRA_* environment &lt; CLI flags.
/// TOML <c>[section] snake_key</c> and env <c>NEXTRA_SECTION__SNAKE_KEY</c> both become <c>Section:SnakeKey</c>.
/// </summary>
internal static class NextraConfiguration
{
    public const string EnvPrefix = "NEXTRA_";
    public const string DefaultFileName = "nextra.toml";

    /// <summary>Environment shortcuts for the two keys people set most.</summary>
    private static readonly Dictionary<string, string> EnvAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DATA_DIR"] = ConfigKeys.DataDir,
        ["URLS"] = ConfigKeys.Urls,
    };

    public static IConfigurationRoot Build(string? configPath, IDictionary environment, IReadOnlyDictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(NextraDefaults.Values);
        var file = ResolveConfigFile(configPath, environment);
        if (file is not null)
        {
            builder.AddInMemoryCollection(ReadToml(file));
        }
        builder.AddInMemoryCollection(FromEnvironment(environment));
        builder.AddInMemoryCollection(flags.Where(kv => kv.Value is not null));
        return builder.Build();
    }

    /// <summary>An explicit path must exist; the default <c>./nextra.toml</c> is optional.</summary>
    public static string? ResolveConfigFile(string? configPath, IDictionary environment)
    {
        var path = configPath ?? environment[EnvPrefix + "CONFIG"] as string;
        if (!string.IsNullOrEmpty(path))
        {
            return File.Exists(path) ? path : throw new FileNotFoundException($"Config file '{path}' not found.", path);
        }
        return File.Exists(DefaultFileName) ? DefaultFileName : null;
    }

    public static Dictionary<string, string?> ReadToml(string path)
    {
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(path), NextraTomlContext.Default)
                ?? new TomlTable();
        }
        catch (TomlException ex)
        {
            throw new InvalidOperationException($"{path}: {ex.Message}", ex);
        }
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(table, prefix: null, result);
        return result;
    }

    public static Dictionary<string, string?> FromEnvironment(IDictionary environment)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var rest = name[EnvPrefix.Length..];
            if (rest.Equals("CONFIG", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("TEST_", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var key = EnvAliases.TryGetValue(rest, out var alias)
                ? alias
                : string.Join(':', rest.Split("__", StringSplitOptions.RemoveEmptyEntries).Select(ToPascal));
            result[key] = entry.Value as string;
        }
        return result;
    }

    private static void Flatten(object? value, string? prefix, Dictionary<string, string?> into)
    {
        switch (value)
        {
            case TomlTable table:
                foreach (var (key, child) in table)
                {
                    Flatten(child, prefix is null ? ToPascal(key) : prefix + ":" + ToPascal(key), into);
                }
                break;
            case TomlArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], prefix + ":" + i.ToString(CultureInfo.InvariantCulture), into);
                }
                break;
            case TomlTableArray tables:
                for (var i = 0; i < tables.Count; i++)
                {
                    Flatten(tables[i], prefix + ":" + i.ToString(CultureInfo.InvariantCulture), into);
                }
                break;
            case bool b:
                into[prefix!] = b ? "true" : "false";
                break;
            case IFormattable f:
                into[prefix!] = f.ToString(null, CultureInfo.InvariantCulture);
                break;
            default:
                into[prefix!] = value?.ToString();
                break;
        }
    }

    /// <summary><c>data_dir</c> / <c>DATA_DIR</c> → <c>DataDir</c>; already-Pascal keys pass through.</summary>
    public static string ToPascal(string snake)
    {
        if (!snake.Contains('_', StringComparison.Ordinal) && snake.Any(char.IsLower))
        {
            return snake.Length == 0 ? snake : char.ToUpperInvariant(snake[0]) + snake[1..];
        }
        var sb = new StringBuilder(snake.Length);
        foreach (var part in snake.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(part[0]));
            sb.Append(part[1..].ToLowerInvariant());
        }
        return sb.ToString();
    }
}
