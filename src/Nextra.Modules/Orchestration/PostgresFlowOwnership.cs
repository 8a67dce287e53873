using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Storage;
using Npgsql;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// <see cref="IFlowOwnership"/> of a hosted deployment: partition leases in Postgres on the database's clock. Each
/// instance heartbeats, renews its leases every cycle (at most a third of <c>lease_seconds</c>), takes free or
/// expired partitions up to its fair share (partitions ÷ live instances) with a new epoch, and gives back what is
/// above it so a joining instance gets work. A lease it could not renew in time is treated as lost here at once
/// (a process paused past its lease must not act on it), and the database refuses its late writes by epoch.
/// Acquisitions and losses reach the listener in order, on their own task, so a slow flow start never delays a renewal.
/// </summary>
internal sealed class PostgresFlowOwnership(IPostgresConnectionFactory db, IOptions<ClusterOptions> options, ILogger<PostgresFlowOwnership> logger)
    : IFlowOwnership, IAsyncDisposable
{
    private readonly ClusterOptions _options = options.Value;
    private readonly ConcurrentDictionary<int, Held> _held = new();
    private readonly Channel<(bool Acquired, IReadOnlyList<LeaseFence> Fences)> _changes = Channel.CreateUnbounded<(bool, IReadOnlyList<LeaseFence>)>();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task _notify = Task.CompletedTask;

    private TimeSpan Lease => TimeSpan.FromSeconds(_options.LeaseSeconds);

    /// <summary>Renewal cycle: a third of the lease, and at least once a second so a failover is noticed quickly.</summary>
    private TimeSpan Cycle => TimeSpan.FromMilliseconds(Math.Min(1000, _options.LeaseSeconds * 1000 / 3.0));

    public string InstanceId => _options.ResolvedInstanceId;

    public int Partitions => _options.Partitions;

    public bool Exclusive => false;

    public int PartitionOf(string flowId) => FlowPartitions.Of(flowId, Partitions);

    public bool TryGetLease(string flowId, out LeaseFence fence)
    {
        var partition = PartitionOf(flowId);
        if (_held.TryGetValue(partition, out var held) && Stopwatch.GetTimestamp() < held.ValidUntil)
        {
            fence = new LeaseFence(partition, held.Epoch, InstanceId);
            return true;
        }
        fence = LeaseFence.None;
        return false;
    }

    public async Task<PartitionOwner?> OwnerOfAsync(string flowId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT l.partition, l.owner, l.epoch, l.expires_at, i.advertise_url
            FROM partition_leases l LEFT JOIN cluster_instances i ON i.instance_id = l.owner
            WHERE l.partition = @p AND l.expires_at > now()
            """, c);
        cmd.Parameters.AddWithValue("p", PartitionOf(flowId));
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false)
            ? new PartitionOwner(r.GetInt32(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetString(4))
            : null;
    }

    public async Task StartAsync(IOwnershipListener listener, CancellationToken ct)
    {
        await ExecAsync("""
            INSERT INTO cluster_instances(instance_id, advertise_url, started_at, heartbeat_at) VALUES (@me, @url, now(), now())
            ON CONFLICT (instance_id) DO UPDATE SET advertise_url = excluded.advertise_url, started_at = now(), heartbeat_at = now()
            """, ct, ("me", InstanceId), ("url", string.IsNullOrWhiteSpace(_options.AdvertiseUrl) ? DBNull.Value : _options.AdvertiseUrl)).ConfigureAwait(false);
        _notify = Task.Run(() => NotifyAsync(listener), CancellationToken.None);
        await CycleAsync(ct).ConfigureAwait(false);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        // Stop the flows here first, then hand the partitions back so the others take them without waiting for expiry.
        var mine = _held.Select(h => new LeaseFence(h.Key, h.Value.Epoch, InstanceId)).ToList();
        _held.Clear();
        if (mine.Count > 0) _changes.Writer.TryWrite((false, mine));
        _changes.Writer.TryComplete();
        await _notify.ConfigureAwait(false);
        try
        {
            await ExecAsync("UPDATE partition_leases SET expires_at = now() WHERE owner = @me", ct, ("me", InstanceId)).ConfigureAwait(false);
            await ExecAsync("DELETE FROM cluster_instances WHERE instance_id = @me", ct, ("me", InstanceId)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or ObjectDisposedException)
        {
            // ObjectDisposedException: the connection pool went first (a test server disposes its services before
            // it stops the hosted services); the leases simply expire.
            logger.LogWarning(ex, "Leases not handed back; they expire in {Seconds} s", _options.LeaseSeconds);
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Cycle);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await CycleAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(ex, "Lease renewal failed; leases not renewed in time are dropped here");
                    DropExpired();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Heartbeat, renew, take up to the fair share, give back above it.</summary>
    internal async Task CycleAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await Exec(c, "UPDATE cluster_instances SET heartbeat_at = now() WHERE instance_id = @me", ct, ("me", InstanceId)).ConfigureAwait(false);

        // Renew what is held under its epoch; what does not come back was taken over (or expired and taken).
        var held = _held.ToArray();
        var renewed = new HashSet<int>();
        if (held.Length > 0)
        {
            await using var renew = new NpgsqlCommand("""
                UPDATE partition_leases l SET expires_at = now() + @lease
                FROM unnest(@parts, @epochs) AS h(partition, epoch)
                WHERE l.partition = h.partition AND l.epoch = h.epoch AND l.owner = @me AND l.expires_at > now()
                RETURNING l.partition
                """, c);
            renew.Parameters.AddWithValue("lease", Lease);
            renew.Parameters.AddWithValue("parts", held.Select(h => h.Key).ToArray());
            renew.Parameters.AddWithValue("epochs", held.Select(h => h.Value.Epoch).ToArray());
            renew.Parameters.AddWithValue("me", InstanceId);
            await using var r = await renew.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) renewed.Add(r.GetInt32(0));
        }
        var validUntil = started + (long)((Lease - Cycle).TotalSeconds * Stopwatch.Frequency);
        var lost = new List<LeaseFence>();
        foreach (var (partition, h) in held)
        {
            if (renewed.Contains(partition)) _held[partition] = h with { ValidUntil = validUntil };
            else if (_held.TryRemove(partition, out _)) lost.Add(new LeaseFence(partition, h.Epoch, InstanceId));
        }
        if (lost.Count > 0)
        {
            logger.LogWarning("Lost {Count} partitions to other instances", lost.Count);
            _changes.Writer.TryWrite((false, lost));
        }

        var live = Math.Max(1, await ScalarAsync(c, "SELECT count(*) FROM cluster_instances WHERE heartbeat_at > now() - @lease", ct).ConfigureAwait(false));
        var fair = (int)Math.Ceiling(Partitions / (double)live);
        var need = fair - _held.Count;
        if (need > 0)
        {
            await using var take = new NpgsqlCommand("""
                INSERT INTO partition_leases(partition, owner, epoch, acquired_at, expires_at)
                SELECT p, @me, 1, now(), now() + @lease FROM (
                    SELECT p FROM generate_series(0, @count - 1) AS p
                    WHERE NOT EXISTS (SELECT 1 FROM partition_leases l WHERE l.partition = p AND l.expires_at > now())
                    ORDER BY random() LIMIT @need) free
                ON CONFLICT (partition) DO UPDATE
                    SET owner = excluded.owner, epoch = partition_leases.epoch + 1, acquired_at = now(), expires_at = excluded.expires_at
                    WHERE partition_leases.expires_at <= now()
                RETURNING partition, epoch
                """, c);
            take.Parameters.AddWithValue("me", InstanceId);
            take.Parameters.AddWithValue("lease", Lease);
            take.Parameters.AddWithValue("count", Partitions);
            take.Parameters.AddWithValue("need", need);
            var acquired = new List<LeaseFence>();
            await using (var r = await take.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    var fence = new LeaseFence(r.GetInt32(0), r.GetInt64(1), InstanceId);
                    _held[fence.Partition] = new Held(fence.Epoch, validUntil);
                    acquired.Add(fence);
                }
            }
            if (acquired.Count > 0)
            {
                logger.LogInformation("Acquired {Count} partitions ({Held} held, fair share {Fair} of {Partitions} over {Live} instances)",
                    acquired.Count, _held.Count, fair, Partitions, live);
                _changes.Writer.TryWrite((true, acquired));
            }
        }
        else if (need < 0 && live > 1)
        {
            // Above the fair share (an instance joined): stop those flows here first, then hand the leases back.
            var shed = _held.Take(-need).Select(h => new LeaseFence(h.Key, h.Value.Epoch, InstanceId)).ToList();
            foreach (var fence in shed) _held.TryRemove(fence.Partition, out _);
            _changes.Writer.TryWrite((false, shed));
            await Exec(c, "UPDATE partition_leases SET expires_at = now() WHERE owner = @me AND partition = ANY(@parts)", ct,
                ("me", InstanceId), ("parts", shed.Select(f => f.Partition).ToArray())).ConfigureAwait(false);
            logger.LogInformation("Gave back {Count} partitions to rebalance over {Live} instances", shed.Count, live);
        }
    }

    private void DropExpired()
    {
        var now = Stopwatch.GetTimestamp();
        var lost = new List<LeaseFence>();
        foreach (var (partition, h) in _held)
        {
            if (now >= h.ValidUntil && _held.TryRemove(partition, out _)) lost.Add(new LeaseFence(partition, h.Epoch, InstanceId));
        }
        if (lost.Count > 0) _changes.Writer.TryWrite((false, lost));
    }

    private async Task NotifyAsync(IOwnershipListener listener)
    {
        await foreach (var (acquired, fences) in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (acquired) await listener.AcquiredAsync(fences, _stop.IsCancellationRequested ? CancellationToken.None : _stop.Token).ConfigureAwait(false);
                else await listener.LostAsync(fences, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stop.IsCancellationRequested)
            {
                logger.LogError(ex, "Partition change ({Kind}) not fully applied", acquired ? "acquired" : "lost");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ExecAsync(string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var c = await db.OpenAsync(ct).ConfigureAwait(false);
        await Exec(c, sql, ct, args).ConfigureAwait(false);
    }

    private async Task<long> ScalarAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        cmd.Parameters.AddWithValue("lease", Lease);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task Exec(NpgsqlConnection c, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    private readonly record struct Held(long Epoch, long ValidUntil);
}
