using System.Net;
using System.Net.Sockets;

namespace Nextra.Pump.Net;

/// <summary>
/// Decides which resolved addresses a flow may connect to. Public unicast addresses are allowed;
/// loopback, private, carrier-grade NAT, link-local, multicast, unspecified, reserved and cloud
/// metadata addresses (also when embedded in IPv4-mapped, NAT64 or 6to4 IPv6 forms) are refused
/// unless the operator's allow-list names them.
/// </summary>
public sealed class EgressPolicy
{
    private static readonly IpNetwork[] BlockedV4 =
    [
        IpNetwork.Parse("0.0.0.0/8"), IpNetwork.Parse("10.0.0.0/8"), IpNetwork.Parse("100.64.0.0/10"),
        IpNetwork.Parse("127.0.0.0/8"), IpNetwork.Parse("169.254.0.0/16"), IpNetwork.Parse("172.16.0.0/12"),
        IpNetwork.Parse("192.0.0.0/24"), IpNetwork.Parse("192.0.2.0/24"), IpNetwork.Parse("192.168.0.0/16"),
        IpNetwork.Parse("198.18.0.0/15"), IpNetwork.Parse("198.51.100.0/24"), IpNetwork.Parse("203.0.113.0/24"),
        IpNetwork.Parse("224.0.0.0/4"), IpNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IpNetwork[] BlockedV6 =
    [
        IpNetwork.Parse("::/128"), IpNetwork.Parse("::1/128"), IpNetwork.Parse("fc00::/7"),
        IpNetwork.Parse("fe80::/10"), IpNetwork.Parse("fec0::/10"), IpNetwork.Parse("ff00::/8"),
        IpNetwork.Parse("2001:db8::/32"), IpNetwork.Parse("100::/64"),
    ];

    /// <summary>Cloud instance-metadata endpoints: only an exact allow-list entry opens these.</summary>
    private static readonly IPAddress[] Metadata =
    [
        IPAddress.Parse("169.254.169.254"), IPAddress.Parse("169.254.170.2"), IPAddress.Parse("100.100.100.200"),
        IPAddress.Parse("fd00:ec2::254"),
    ];

    private readonly List<IpNetwork> _allowedRanges = [];
    private readonly HashSet<IPAddress> _allowedAddresses = [];
    private readonly HashSet<string> _allowedHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _allowedSuffixes = [];

    public EgressPolicy(IEnumerable<string> allowList)
    {
        foreach (var raw in allowList)
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
                continue;
            if (IPAddress.TryParse(entry, out var ip))
                _allowedAddresses.Add(Normalize(ip));
            else if (IpNetwork.TryParse(entry, out var range))
                _allowedRanges.Add(range);
            else if (entry.StartsWith("*.", StringComparison.Ordinal))
                _allowedSuffixes.Add(entry[1..]);
            else
                _allowedHosts.Add(entry.TrimEnd('.'));
        }
    }

    /// <summary>Whether the host name itself is allow-listed (then any address it resolves to may be used).</summary>
    public bool IsHostAllowListed(string host)
    {
        host = host.TrimEnd('.');
        if (_allowedHosts.Contains(host))
            return true;
        foreach (var suffix in _allowedSuffixes)
        {
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    /// <summary>Null when the address may be used, else why not.</summary>
    public string? Check(IPAddress address)
    {
        var ip = Normalize(address);
        if (_allowedAddresses.Contains(ip))
            return null;
        if (Array.Exists(Metadata, m => m.Equals(ip)))
            return $"{ip} is a cloud metadata address";
        var embedded = EmbeddedV4(ip);
        if (embedded is not null && !_allowedAddresses.Contains(embedded))
        {
            if (Array.Exists(Metadata, m => m.Equals(embedded)))
                return $"{ip} embeds the metadata address {embedded}";
            if (IsInBlockedRange(embedded) && !InAllowedRange(embedded))
                return $"{ip} embeds the non-public address {embedded}";
        }
        if (IsInBlockedRange(ip) && !InAllowedRange(ip))
            return $"{ip} is not a public address";
        return null;
    }

    private bool InAllowedRange(IPAddress ip) => _allowedRanges.Exists(r => r.Contains(ip));

    private static bool IsInBlockedRange(IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetwork
            ? Array.Exists(BlockedV4, r => r.Contains(ip))
            : Array.Exists(BlockedV6, r => r.Contains(ip));

    /// <summary>IPv4-mapped addresses are compared as the IPv4 address they carry.</summary>
    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    /// <summary>The IPv4 address hidden in an IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address.</summary>
    private static IPAddress? EmbeddedV4(IPAddress ip)
    {
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
            return null;
        var b = ip.GetAddressBytes();
        if (b[0] == 0x20 && b[1] == 0x02)
            return new IPAddress(b.AsSpan(2, 4));
        var first12Zero = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        if (first12Zero && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1))
            return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return new IPAddress(b.AsSpan(12, 4));
        return null;
    }
}
