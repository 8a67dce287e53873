using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nextra.Host.Tests.Process;
using Nextra.Host.Tests.Runs;
using Nextra.Modules.Orchestration;
using Npgsql;

namespace Nextra.Host.Tests.Cluster;

/// <summary>
/// A fact that needs both a Postgres and a Redis on loopback (<c>.ci/run</c> starts them and exports
/// <c>NEXTRA_TEST_POSTGRES</c> and <c>NEXTRA_TEST_REDIS</c>); skipped with that reason otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (HostedCluster.Postgres is null || HostedCluster.Redis is null)
            Skip = "NEXTRA_TEST_POSTGRES and NEXTRA_TEST_REDIS are not set (.ci/run starts PostgreSQL and Redis and sets both)";
    }
}

/// <summary>
/// A hosted deployment of real <c>nextra serve</c> processes: one Postgres database of its own, the test Redis under
/// a key prefix of its own, a shared secrets key, short leases. Instances can be killed, paused and restarted.
/// </summary>
internal sealed class HostedCluster : IAsyncDisposable
{
    public const int LeaseSeconds = 3;
    public const int Partitions = 64;

    private readonly string _database = "nextra_cluster_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _root = Directory.CreateTempSubdirectory("nextra-cluster-").FullName;
    private readonly ServerProcess?[] _instances;
    private readonly int[] _ports;
    private readonly Dictionary<string, string> _env;

    public static string? Postgres => Environment.GetEnvironmentVariable("NEXTRA_TEST_POSTGRES") is { Length: > 0 } s ? s : null;
    public static string? Redis => Environment.GetEnvironmentVariable("NEXTRA_TEST_REDIS") is { Length: > 0 } s ? s : null;

    private HostedCluster(int count, IReadOnlyDictionary<string, string>? extra)
    {
        _instances = new ServerProcess?[count];
        _ports = [.. Enumerable.Range(0, count).Select(_ => NextraProcess.FreePort())];
        ConnectionString = new NpgsqlConnectionStringBuilder(Postgres) { Database = _database, MaxPoolSize = 10 }.ConnectionString;
        _env = new Dictionary<string, string>
        {
            ["NEXTRA_STORAGE__PROVIDER"] = "postgres",
            ["NEXTRA_STORAGE__POSTGRES"] = ConnectionString,
            ["NEXTRA_REDIS__CONFIGURATION"] = Redis!,
            ["NEXTRA_REDIS__KEY_PREFIX"] = $"nextra-test:{_database}:",
            ["NEXTRA_SECRETS__KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["NEXTRA_CLUSTER__LEASE_SECONDS"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NEXTRA_CLUSTER__PARTITIONS"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NEXTRA_LOGGING__LEVEL"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) _env[key] = value;
    }

    public string ConnectionString { get; }
    public int Count => _instances.Length;
    public ServerProcess this[int i] => _instances[i] ?? throw new InvalidOperationException($"instance {i} is not running");
    public string Url(int i) => $"http://127.0.0.1:{_ports[i]}";
    public static string InstanceId(int i) => $"test-{i}";

    /// <summary>Creates the database, runs <c>nextra migrate</c> once and starts <paramref name="count"/> instances together.</summary>
    public static async Task<HostedCluster> StartAsync(int count, IReadOnlyDictionary<string, string>? extra = null)
    {
        var cluster = new HostedCluster(count, extra);
        await using (var admin = new NpgsqlConnection(Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {cluster._database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            // Instances starting together migrate under an advisory lock; starting them at once exercises that too.
            await Task.WhenAll(Enumerable.Range(0, count).Select(cluster.StartInstanceAsync));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async Task StartInstanceAsync(int i)
    {
        _instances[i]?.Dispose();
        _instances[i] = null;
        var dataDir = Path.Combine(_root, $"instance-{i}");
        Directory.CreateDirectory(dataDir);
        var env = _env.Select(e => (e.Key, e.Value)).Append(("NEXTRA_CLUSTER__INSTANCE_ID", InstanceId(i))).ToArray();
        // Generous: a loaded CI machine starting three servers at once, each migrating or waiting on the migration lock.
        _instances[i] = await ServerProcess.StartAsync(dataDir, _ports[i], TimeSpan.FromSeconds(120), env);
    }

    /// <summary>kill -9 of instance <paramref name="i"/>, waiting for the process to be gone.</summary>
    public async Task KillAsync(int i)
    {
        var server = this[i];
        server.Signal(9);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.Process.WaitForExitAsync(timeout.Token);
        server.Dispose();
        _instances[i] = null;
    }

    public bool IsRunning(int i) => _instances[i] is not null;

    /// <summary>A CLI command against the deployment's database (same settings as the instances).</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var cli = Path.Combine(_root, "cli");
        Directory.CreateDirectory(cli);
        var (code, stdout, stderr) = await NextraProcess.RunWithAsync(_env, [.. args, "--data-dir", cli]);
        Assert.True(code == 0, $"nextra {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
        return stdout;
    }

    /// <summary>A user in a tenant of its own and its API key (made with the CLI, on Postgres).</summary>
    public async Task<string> CreateUserAndKeyAsync(string tenant)
    {
        var email = $"{tenant}-{Guid.NewGuid():N}@example.test";
        await CliAsync("user", "create", "--email", email, "--password", "cluster-test-pw", "--tenant", tenant);
        var key = await CliAsync("apikey", "create", "--email", email, "--name", "ci");
        return key.TrimEnd().Split('\n')[^1].Trim();
    }

    /// <summary>The instance holding the live lease of the flow's partition (index into this cluster), or -1.</summary>
    public async Task<int> OwnerOfAsync(string flowId)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT owner FROM partition_leases WHERE partition = @p AND expires_at > now()", c);
        query.Parameters.AddWithValue("p", FlowPartitions.Of(flowId, Partitions));
        var owner = await query.ExecuteScalarAsync() as string;
        for (var i = 0; i < Count; i++) if (owner == InstanceId(i)) return i;
        return -1;
    }

    /// <summary>Waits until some running instance holds the flow's partition; returns it.</summary>
    public async Task<int> WaitForOwnerAsync(string flowId, Func<int, bool>? accept = null, int seconds = 30)
    {
        for (var t = 0; t < seconds * 10; t++)
        {
            var owner = await OwnerOfAsync(flowId);
            if (owner >= 0 && IsRunning(owner) && (accept?.Invoke(owner) ?? true)) return owner;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no running instance took flow {flowId}'s partition in {seconds} s");
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var query = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in args) query.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await query.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string> TextAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var query = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in args) query.Parameters.AddWithValue(name, value);
        return (await query.ExecuteScalarAsync())?.ToString() ?? "";
    }

    /// <summary>run_id → started_at of the finished runs of a flow.</summary>
    public async Task<Dictionary<string, string>> FinishedRunsAsync(string flowId)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT run_id, started_at FROM runs WHERE flow_id = @f AND status NOT IN ('pending', 'running')", c);
        query.Parameters.AddWithValue("f", flowId);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    /// <summary>The value of a counter on an instance's /metrics (summed over its series), 0 when absent.</summary>
    public async Task<double> MetricAsync(int i, string name)
    {
        using var http = this[i].Client();
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is ' ' or '{'))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits for a run to reach a final state through instance <paramref name="i"/>; returns its status.</summary>
    public async Task<string> WaitFinalAsync(HttpClient client, string runId, int seconds = 60)
    {
        var last = "";
        for (var t = 0; t < seconds * 10; t++)
        {
            using var response = await client.GetAsync($"/api/runs/{runId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>();
                if (last is not ("pending" or "running")) return last;
            }
            else
            {
                last = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await Task.Delay(100);
        }
        return $"not final after {seconds} s (last: {last})";
    }

    public string Logs() => string.Join("\n", _instances.Select((s, i) => s is null ? "" : $"--- instance {i}\n{s.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _instances)
        {
            if (server is null) continue;
            try
            {
                server.Signal(18); // SIGCONT: a paused instance must be able to die
            }
            catch (Xunit.Sdk.XunitException)
            {
            }
            server.Dispose();
        }
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(Postgres))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
