namespace Nextra.Modules.Orchestration;

/// <summary>
/// How flows are spread over instances (section <c>Cluster</c>): flows hash to <see cref="Partitions"/> partitions,
/// each run by the instance that holds its lease. Embedded, this process holds every lease.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Fixed number of partitions flows hash to; every instance of a deployment must agree on it.</summary>
    public int Partitions { get; set; } = 64;

    /// <summary>How long a partition lease lasts without renewal (renewed every third of it).</summary>
    public int LeaseSeconds { get; set; } = 10;

    /// <summary>This instance's name in leases and <c>nextra cluster status</c>; empty = host name and process id.</summary>
    public string InstanceId { get; set; } = "";

    /// <summary>How other instances reach this one (e.g. <c>http://10.0.0.5:5080</c>), if ever needed.</summary>
    public string AdvertiseUrl { get; set; } = "";

    /// <summary>The effective instance id.</summary>
    public string ResolvedInstanceId => string.IsNullOrWhiteSpace(InstanceId) ? $"{Environment.MachineName}:{Environment.ProcessId}" : InstanceId;
}
