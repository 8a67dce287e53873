using System.Collections;
using Nextra.Host.Configuration;

namespace Nextra.Host.Tests.Configuration;

/// <summary>Precedence: defaults &lt; nextra.toml &lt; NEXTRA_* environment &lt; flags.</summary>
public sealed class NextraConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nextra-config-").FullName;

    private string WriteToml(string text)
    {
        var path = Path.Combine(_dir, "nextra.toml");
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> NoFlags => new();

    [Fact]
    public void Build_NothingGiven_UsesDefaults()
    {
        var config = NextraConfiguration.Build(null, new Hashtable(), NoFlags);

        Assert.Equal("http://127.0.0.1:5080", config["Server:Urls"]);
        Assert.Equal("nextra_data", config["Storage:DataDir"]);
    }

    [Fact]
    public void Build_Toml_OverridesDefaults()
    {
        var file = WriteToml("""
            [server]
            urls = "http://127.0.0.1:6000"
            max_body_bytes = 1024

            [storage]
            data_dir = "/srv/nextra"
            backup_before_migrate = false
            """);

        var config = NextraConfiguration.Build(file, new Hashtable(), NoFlags);

        Assert.Equal("http://127.0.0.1:6000", config["Server:Urls"]);
        Assert.Equal("1024", config["Server:MaxBodyBytes"]);
        Assert.Equal("/srv/nextra", config["Storage:DataDir"]);
        Assert.Equal("false", config["Storage:BackupBeforeMigrate"]);
    }

    [Fact]
    public void Build_Environment_OverridesToml()
    {
        var file = WriteToml("[storage]\ndata_dir = \"from-toml\"\n[accounts]\npassword_iterations = 5\n");
        var env = new Hashtable
        {
            ["NEXTRA_STORAGE__DATA_DIR"] = "from-env",
            ["NEXTRA_URLS"] = "http://127.0.0.1:7000",
            ["UNRELATED"] = "x",
        };

        var config = NextraConfiguration.Build(file, env, NoFlags);

        Assert.Equal("from-env", config["Storage:DataDir"]);
        Assert.Equal("http://127.0.0.1:7000", config["Server:Urls"]);
        Assert.Equal("5", config["Accounts:PasswordIterations"]);
    }

    [Fact]
    public void Build_Flags_OverrideEnvironment()
    {
        var file = WriteToml("[storage]\ndata_dir = \"from-toml\"\n");
        var env = new Hashtable { ["NEXTRA_DATA_DIR"] = "from-env" };

        var config = NextraConfiguration.Build(file, env, new Dictionary<string, string?> { ["Storage:DataDir"] = "from-flag", ["Server:Urls"] = null });

        Assert.Equal("from-flag", config["Storage:DataDir"]);
        Assert.Equal("http://127.0.0.1:5080", config["Server:Urls"]); // an absent flag does not erase lower layers
    }

    [Fact]
    public void Build_ConfigFromEnvironmentVariable_IsRead()
    {
        var file = WriteToml("[logging]\nlevel = \"Debug\"\n");

        var config = NextraConfiguration.Build(null, new Hashtable { ["NEXTRA_CONFIG"] = file }, NoFlags);

        Assert.Equal("Debug", config["Logging:Level"]);
    }

    [Fact]
    public void Build_MissingExplicitFile_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => NextraConfiguration.Build(Path.Combine(_dir, "nope.toml"), new Hashtable(), NoFlags));
    }

    [Fact]
    public void Build_InvalidToml_ThrowsNamingTheFile()
    {
        var file = WriteToml("[storage\ndata_dir = 1\n");

        var ex = Assert.Throws<InvalidOperationException>(() => NextraConfiguration.Build(file, new Hashtable(), NoFlags));

        Assert.Contains("nextra.toml", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data_dir", "DataDir")]
    [InlineData("DATA_DIR", "DataDir")]
    [InlineData("urls", "Urls")]
    [InlineData("MaxBodyBytes", "MaxBodyBytes")]
    public void ToPascal_Converts(string input, string expected) => Assert.Equal(expected, NextraConfiguration.ToPascal(input));

    [Fact]
    public void ExampleToml_DocumentsEveryDefault()
    {
        var example = Path.Combine(RepoRoot.Path, "nextra.example.toml");

        var values = NextraConfiguration.ReadToml(example);

        foreach (var (key, value) in NextraDefaults.Values)
        {
            Assert.True(values.TryGetValue(key, out var documented), $"nextra.example.toml lacks {key}");
            Assert.Equal(value, documented);
        }
    }

    [Fact]
    public void ExampleToml_ModuleDefaults_MatchOptionClasses()
    {
        var values = NextraConfiguration.ReadToml(Path.Combine(RepoRoot.Path, "nextra.example.toml"));
        var storage = new Nextra.Modules.Storage.StorageOptions();
        var accounts = new Nextra.Modules.Accounts.AccountsOptions();
        var expected = new Dictionary<string, string>
        {
            ["Storage:DataDir"] = storage.DataDir,
            ["Storage:BusyTimeoutMs"] = storage.BusyTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Storage:BackupBeforeMigrate"] = storage.BackupBeforeMigrate ? "true" : "false",
            ["Storage:Provider"] = storage.Provider,
            ["Storage:Postgres"] = storage.Postgres,
            ["Storage:BackupIntervalHours"] = storage.BackupIntervalHours.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Storage:BackupKeep"] = storage.BackupKeep.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Accounts:PasswordIterations"] = accounts.PasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Accounts:MinPasswordLength"] = accounts.MinPasswordLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Accounts:SessionDays"] = accounts.SessionDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Accounts:LoginAttemptsPerMinute"] = accounts.LoginAttemptsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Accounts:SecureCookies"] = accounts.SecureCookies ? "true" : "false",
            ["Metrics:Token"] = new Nextra.Modules.Observability.MetricsOptions().Token,
        };
        var triggers = new Nextra.Modules.Triggers.TriggersOptions();
        var orchestration = new Nextra.Modules.Orchestration.OrchestrationOptions();
        var runs = new Nextra.Modules.Runs.RunsOptions();
        var cluster = new Nextra.Modules.Orchestration.ClusterOptions();
        var redis = new Nextra.Modules.Cluster.RedisOptions();
        var memory = new Nextra.Modules.Memory.MemoryOptions();
        var modules = new Nextra.Modules.WasmModules.WasmModulesOptions();
        var wasm = new Nextra.Pump.Wasm.WasmOptions();
        var asc = new Nextra.Pump.Wasm.AssemblyScript.AscOptions();
        foreach (var (key, value) in new (string, object)[]
        {
            ("Triggers:WebhookRatePerSecond", triggers.WebhookRatePerSecond), ("Triggers:InboxPollMilliseconds", triggers.InboxPollMilliseconds),
            ("Triggers:WebhookBurst", triggers.WebhookBurst), ("Triggers:MaxBodyBytes", triggers.MaxBodyBytes), ("Triggers:MaxXmlDepth", triggers.MaxXmlDepth),
            ("Triggers:MaxWaitSeconds", triggers.MaxWaitSeconds), ("Triggers:ScheduleTickSeconds", triggers.ScheduleTickSeconds),
            ("Triggers:ScheduleGraceSeconds", triggers.ScheduleGraceSeconds),
            ("Orchestration:IdleCheckSeconds", orchestration.IdleCheckSeconds), ("Orchestration:DrainSeconds", orchestration.DrainSeconds),
            ("Orchestration:StopTimeoutSeconds", orchestration.StopTimeoutSeconds), ("Orchestration:RestoreParallelism", orchestration.RestoreParallelism),
            ("Orchestration:MaxAttempts", orchestration.MaxAttempts),
            ("Runs:RetentionIntervalSeconds", runs.RetentionIntervalSeconds),
            ("Cluster:Partitions", cluster.Partitions), ("Cluster:LeaseSeconds", cluster.LeaseSeconds), ("Cluster:InstanceId", cluster.InstanceId),
            ("Cluster:AdvertiseUrl", cluster.AdvertiseUrl),
            ("Redis:Configuration", redis.Configuration), ("Redis:KeyPrefix", redis.KeyPrefix), ("Redis:StateTtlHours", redis.StateTtlHours),
            ("Runs:RetentionBatchSize", runs.RetentionBatchSize), ("Runs:MaxDiskMb", runs.MaxDiskMb), ("Runs:MaxRunsPerFlow", runs.MaxRunsPerFlow),
            ("Runs:MaxAgeDays", runs.MaxAgeDays),
            ("Memory:MaxBytesPerFlow", memory.MaxBytesPerFlow), ("Memory:MaxKeyLength", memory.MaxKeyLength),
            ("WasmModules:MaxModuleBytes", modules.MaxModuleBytes), ("WasmModules:MaxModulesPerTenant", modules.MaxModulesPerTenant),
            ("Wasm:DefaultFuel", wasm.DefaultFuel), ("Wasm:DefaultMemoryMb", wasm.DefaultMemoryMb), ("Wasm:DefaultTimeoutMs", wasm.DefaultTimeoutMs), ("Wasm:MaxCachedModules", wasm.MaxCachedModules),
            ("Asc:NodeExecutable", asc.NodeExecutable), ("Asc:TimeoutSeconds", asc.TimeoutSeconds),
            ("Plugins:AllowDotnetPlugins", "false"),
        })
        {
            expected[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;
        }

        foreach (var (key, value) in expected)
        {
            Assert.True(values.TryGetValue(key, out var documented), $"nextra.example.toml lacks {key}");
            Assert.Equal(value, documented);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
