using Microsoft.Extensions.Options;
using Nextra.Modules.Storage;
using Npgsql;

namespace Nextra.Modules.Orchestration;

/// <summary>One instance of a deployment as <c>nextra cluster status</c> shows it.</summary>
public sealed record InstanceStatus(string InstanceId, string? AdvertiseUrl, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, bool Live,
    IReadOnlyList<int> Partitions, int Flows);

/// <summary>Reads the deployment's instances, their heartbeats and partitions (hosted mode) from Postgres.</summary>
public sealed class ClusterStatus(IPostgresConnectionFactory db, IOptions<StorageOptions> storage, IOptions<ClusterOptions> cluster, Flows.IFlowCatalog flows)
{
    public async Task<IReadOnlyList<InstanceStatus>> ReadAsync(CancellationToken ct)
    {
        if (!storage.Value.IsPostgres)
            throw new InvalidOperationException("nextra cluster status reads a hosted deployment: set storage.provider = \"postgres\" (a SQLite data directory is served by one process).");
        var running = new List<Flows.FlowSnapshot>();
        foreach (var status in (string[])[FlowStatuses.Running, FlowStatuses.Starting]) running.AddRange(await flows.ListByStatusAsync(status, ct).ConfigureAwait(false));
        var lease = TimeSpan.FromSeconds(cluster.Value.LeaseSeconds);
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT i.instance_id, i.advertise_url, i.started_at, i.heartbeat_at, i.heartbeat_at > now() - @lease,
                   COALESCE(array_agg(l.partition ORDER BY l.partition) FILTER (WHERE l.partition IS NOT NULL), '{}')
            FROM cluster_instances i LEFT JOIN partition_leases l ON l.owner = i.instance_id AND l.expires_at > now()
            GROUP BY i.instance_id, i.advertise_url, i.started_at, i.heartbeat_at
            ORDER BY i.instance_id
            """, c);
        cmd.Parameters.AddWithValue("lease", lease);
        var result = new List<InstanceStatus>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var partitions = r.GetFieldValue<int[]>(5);
            var set = partitions.ToHashSet();
            var count = running.Count(f => set.Contains(FlowPartitions.Of(f.Id, cluster.Value.Partitions)));
            result.Add(new InstanceStatus(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<DateTimeOffset>(2),
                r.GetFieldValue<DateTimeOffset>(3), r.GetBoolean(4), partitions, count));
        }
        return result;
    }
}
