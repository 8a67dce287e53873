using System.Net;
using System.Net.Sockets;

namespace Nextra.Pump.Net;

/// <summary>An address range in CIDR form (<c>10.0.0.0/8</c>, <c>fc00::/7</c>).</summary>
public readonly record struct IpNetwork(IPAddress Network, int PrefixLength)
{
    public static bool TryParse(string text, out IpNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressPart = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressPart, out var address))
            return false;
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out prefix) || prefix < 0 || prefix > max))
            return false;
        network = new IpNetwork(address, prefix);
        return true;
    }

    public static IpNetwork Parse(string text) =>
        TryParse(text, out var n) ? n : throw new FormatException($"not an IP address or CIDR range: {text}");

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Network.AddressFamily)
            return false;
        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        Network.TryWriteBytes(n, out _);
        var bits = PrefixLength;
        for (var i = 0; i < length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? (byte)0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (n[i] & mask))
                return false;
        }
        return true;
    }
}
