using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Nextra.Modules.Tiers;

/// <summary>
/// Tiers and their limits (config section <c>Tiers</c>): <c>[tiers] default_tier</c>,
/// <c>cache_seconds</c>, and one <c>[tiers.NAME]</c> table per tier whose keys override the
/// built-in defaults (the seed's free / paid / pro / enterprise). A limit set to <c>"unlimited"</c>
/// or -1 is unlimited. Bound by hand (<see cref="From"/>): the reflection binder is not AOT-safe
/// and a dictionary merged over defaults needs the "unlimited" spelling anyway.
/// </summary>
public sealed class TiersOptions
{
    public const string Section = "Tiers";
    public const string Free = "free";
    public const string Paid = "paid";
    public const string Pro = "pro";
    public const string Enterprise = "enterprise";

    /// <summary>
    /// Tier of a tenant whose tier was never set. <c>enterprise</c> because <c>nextra serve</c> is
    /// self-hosted first: the person running it should not be limited by their own server. A hosted
    /// operator sets <c>default_tier = "free"</c>.
    /// </summary>
    public string DefaultTier { get; set; } = Enterprise;

    /// <summary>How long a server trusts its cached tenant → tier map; a tier set by the CLI (another process) applies within this.</summary>
    public double CacheSeconds { get; set; } = 10;

    /// <summary>Tiers by lower-case name.</summary>
    public Dictionary<string, TierLimits> Tiers { get; } = BuiltIn();

    /// <summary>
    /// The seed's tier table; retention as Runs used before tiers; WASM caps that stop runaway code; parallel-work
    /// caps that grow with the tier (the seed sells "parallel execution" without numbers: these are ours).
    /// </summary>
    public static Dictionary<string, TierLimits> BuiltIn() => new(StringComparer.OrdinalIgnoreCase)
    {
        [Free] = new()
        {
            Name = Free, Flows = 1, ExecutionsPerMonth = 1_000, WasmModules = 0, ProjectMemoryMb = 0, TeamMembers = 1,
            IdleStopMinutes = 15, KeepAlive = false, RetentionRunsPerFlow = 1_000, RetentionDays = 7,
            WasmMaxFuel = 100_000_000, WasmMaxMemoryMb = 32, WasmMaxTimeoutMs = 2_000,
            MaxParallelBranches = 4, MaxItems = 100,
            ApiRequestsPerMinute = 60, AuditDays = 7,
        },
        [Paid] = new()
        {
            Name = Paid, Flows = 10, ExecutionsPerMonth = 10_000, WasmModules = 0, ProjectMemoryMb = 10, TeamMembers = 1,
            IdleStopMinutes = 15, KeepAlive = true, RetentionRunsPerFlow = 10_000, RetentionDays = 30,
            WasmMaxFuel = 100_000_000, WasmMaxMemoryMb = 32, WasmMaxTimeoutMs = 2_000,
            MaxParallelBranches = 8, MaxItems = 1_000,
            ApiRequestsPerMinute = 300, AuditDays = 30,
        },
        [Pro] = new()
        {
            Name = Pro, Flows = null, ExecutionsPerMonth = 100_000, WasmModules = 10, ProjectMemoryMb = 100, TeamMembers = 1,
            IdleStopMinutes = 15, KeepAlive = true, RetentionRunsPerFlow = 100_000, RetentionDays = 90,
            WasmMaxFuel = 1_000_000_000, WasmMaxMemoryMb = 128, WasmMaxTimeoutMs = 10_000,
            MaxParallelBranches = 32, MaxItems = 10_000,
            ApiRequestsPerMinute = 1_200, AuditDays = 90,
        },
        [Enterprise] = new()
        {
            Name = Enterprise, IdleStopMinutes = 15, KeepAlive = true, RetentionRunsPerFlow = 1_000_000, RetentionDays = 365,
            AuditDays = 365,
        },
    };

    /// <summary>The tier named <paramref name="name"/>, or null when no such tier is configured.</summary>
    public TierLimits? Find(string? name) => name is not null && Tiers.TryGetValue(name.Trim(), out var t) ? t : null;

    public TierLimits Default => Tiers[DefaultTier];

    /// <summary>
    /// Reads <c>Tiers</c> over the built-in defaults. Throws <see cref="InvalidOperationException"/>
    /// naming the key for an unknown key, a bad value or a default tier that does not exist, so a
    /// typo stops the server at start instead of silently changing a limit.
    /// </summary>
    private static readonly (string Moved, string Now)[] MovedSettings =
    [
        ("Orchestration:IdleStopMinutes", "idle_stop_minutes"),
        ("Runs:Retention", "retention_runs_per_flow and retention_days"),
    ];

    public static TiersOptions From(IConfiguration configuration)
    {
        var options = new TiersOptions();
        // Settings that became per-tier limits: a config written for an older version must not be ignored silently.
        foreach (var (moved, now) in MovedSettings)
        {
            if (configuration.GetSection(moved).Exists())
                throw new InvalidOperationException($"The setting {moved} moved to the tiers: set {now} in each [tiers.NAME] table instead.");
        }
        var section = configuration.GetSection(Section);
        foreach (var child in section.GetChildren())
        {
            if (!child.GetChildren().Any())
            {
                switch (child.Key.ToLowerInvariant())
                {
                    case "defaulttier":
                        options.DefaultTier = (child.Value ?? "").Trim().ToLowerInvariant();
                        break;
                    case "cacheseconds":
                        options.CacheSeconds = Number(child, allowUnlimited: false) ?? options.CacheSeconds;
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown setting {child.Path}: expected default_tier, cache_seconds or a [tiers.NAME] table.");
                }
                continue;
            }
            var name = child.Key.ToLowerInvariant();
            var tier = options.Tiers.GetValueOrDefault(name) ?? new TierLimits { Name = name };
            options.Tiers[name] = Apply(tier with { Name = name }, child);
        }
        if (options.Find(options.DefaultTier) is null)
        {
            throw new InvalidOperationException(
                $"Tiers:DefaultTier is '{options.DefaultTier}', which is not a tier. Known tiers: {string.Join(", ", options.Tiers.Keys.Order())}.");
        }
        if (options.CacheSeconds < 0)
        {
            throw new InvalidOperationException("Tiers:CacheSeconds must be 0 or more.");
        }
        return options;
    }

    private static TierLimits Apply(TierLimits tier, IConfigurationSection table)
    {
        foreach (var entry in table.GetChildren())
        {
            tier = entry.Key.ToLowerInvariant() switch
            {
                "flows" => tier with { Flows = Whole(entry) },
                "executionspermonth" => tier with { ExecutionsPerMonth = Whole(entry) },
                "wasmmodules" => tier with { WasmModules = Whole(entry) },
                "projectmemorymb" => tier with { ProjectMemoryMb = Whole(entry) },
                "teammembers" => tier with { TeamMembers = Whole(entry) },
                "idlestopminutes" => tier with { IdleStopMinutes = Number(entry, allowUnlimited: true) },
                "keepalive" => tier with { KeepAlive = Bool(entry) },
                "retentionrunsperflow" => tier with { RetentionRunsPerFlow = Whole(entry) },
                "retentiondays" => tier with { RetentionDays = Number(entry, allowUnlimited: true) },
                "wasmmaxfuel" => tier with { WasmMaxFuel = Whole(entry) },
                "wasmmaxmemorymb" => tier with { WasmMaxMemoryMb = Whole(entry) },
                "wasmmaxtimeoutms" => tier with { WasmMaxTimeoutMs = Whole(entry) },
                "maxparallelbranches" => tier with { MaxParallelBranches = Whole(entry) },
                "maxitems" => tier with { MaxItems = Whole(entry) },
                "apirequestsperminute" => tier with { ApiRequestsPerMinute = Whole(entry) },
                "auditdays" => tier with { AuditDays = Number(entry, allowUnlimited: true) },
                _ => throw new InvalidOperationException(
                    $"Unknown tier setting {entry.Path}. Tier keys: flows, executions_per_month, wasm_modules, project_memory_mb, team_members, " +
                    "idle_stop_minutes, keep_alive, retention_runs_per_flow, retention_days, wasm_max_fuel, wasm_max_memory_mb, wasm_max_timeout_ms, " +
                    "max_parallel_branches, max_items, api_requests_per_minute, audit_days."),
            };
        }
        return tier;
    }

    private static long? Whole(IConfigurationSection entry)
    {
        var value = Number(entry, allowUnlimited: true);
        return value is { } v ? (long)v == v ? (long)v : throw Bad(entry, "a whole number") : null;
    }

    private static double? Number(IConfigurationSection entry, bool allowUnlimited)
    {
        var text = entry.Value?.Trim() ?? "";
        if (allowUnlimited && (text.Equals("unlimited", StringComparison.OrdinalIgnoreCase) || text == "-1"))
            return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v))
            return v;
        throw Bad(entry, allowUnlimited ? "a number of 0 or more, or \"unlimited\"" : "a number of 0 or more");
    }

    private static bool Bool(IConfigurationSection entry) =>
        bool.TryParse(entry.Value?.Trim(), out var b) ? b : throw Bad(entry, "true or false");

    private static InvalidOperationException Bad(IConfigurationSection entry, string expected) =>
        new($"{entry.Path} = '{entry.Value}' is not valid: expected {expected}.");
}
