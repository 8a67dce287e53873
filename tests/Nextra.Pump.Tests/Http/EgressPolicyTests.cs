using System.Net;
using Nextra.Pump.Net;

namespace Nextra.Pump.Tests.Http;

public class EgressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::")]
    public void Check_NonPublicAddress_IsRefused(string address) =>
        Assert.NotNull(new EgressPolicy([]).Check(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Check_PublicAddress_IsAllowed(string address) =>
        Assert.Null(new EgressPolicy([]).Check(IPAddress.Parse(address)));

    [Fact]
    public void Check_AllowListedLoopback_IsAllowedIncludingMappedForm()
    {
        var policy = new EgressPolicy(["127.0.0.1"]);
        Assert.Null(policy.Check(IPAddress.Loopback));
        Assert.Null(policy.Check(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.NotNull(policy.Check(IPAddress.Parse("127.0.0.2")));
        Assert.NotNull(policy.Check(IPAddress.IPv6Loopback));
    }

    [Fact]
    public void Check_RangeAllowList_OpensRangeButNeverMetadata()
    {
        var policy = new EgressPolicy(["10.0.0.0/8", "169.254.0.0/16"]);
        Assert.Null(policy.Check(IPAddress.Parse("10.20.30.40")));
        Assert.Null(policy.Check(IPAddress.Parse("169.254.1.1")));
        Assert.NotNull(policy.Check(IPAddress.Parse("169.254.169.254")));
        Assert.NotNull(policy.Check(IPAddress.Parse("192.168.0.1")));
    }

    [Fact]
    public void Check_ExactMetadataEntry_OpensIt() =>
        Assert.Null(new EgressPolicy(["169.254.169.254"]).Check(IPAddress.Parse("169.254.169.254")));

    [Fact]
    public void IsHostAllowListed_ExactAndWildcard_Match()
    {
        var policy = new EgressPolicy(["ollama.internal", "*.corp.example"]);
        Assert.True(policy.IsHostAllowListed("OLLAMA.internal"));
        Assert.True(policy.IsHostAllowListed("llm.corp.example"));
        Assert.False(policy.IsHostAllowListed("corp.example.evil.com"));
        Assert.False(policy.IsHostAllowListed("other.internal"));
    }

    [Fact]
    public void ClampTimeout_AboveMaximumOrMissing_IsClamped()
    {
        var options = new EgressOptions { MaxTimeout = TimeSpan.FromSeconds(60), DefaultTimeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(TimeSpan.FromSeconds(60), options.ClampTimeout(3600));
        Assert.Equal(TimeSpan.FromSeconds(5), options.ClampTimeout(5));
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClampTimeout(null));
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClampTimeout(-1));
    }
}
