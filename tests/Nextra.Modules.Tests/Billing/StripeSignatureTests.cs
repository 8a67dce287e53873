using System.Text;
using Nextra.Modules.Billing.Stripe;

namespace Nextra.Modules.Tests.Billing;

public sealed class StripeSignatureTests
{
    private const string Secret = "whsec_test_secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"invoice.paid"}""");
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private static StripeSignature.Verdict Verify(string? header, byte[]? body = null) =>
        StripeSignature.Verify(header, body ?? Body, Secret, Now, Tolerance);

    [Fact]
    public void Verify_SignedNow_Valid() =>
        Assert.Equal(StripeSignature.Verdict.Valid, Verify(StripeSignature.Header(Now.ToUnixTimeSeconds(), Body, Secret)));

    [Fact]
    public void Verify_KnownVector_MatchesHmacOfTimestampDotBody()
    {
        // HMAC-SHA256("whsec_test_secret", "1800000000.{body}") computed independently (Python hmac).
        const string header = "t=1800000000,v1=f19b688b6c808f2a3c035f501cb82562fd2eb237fd8c2e2df4503a54f42345fb";
        Assert.Equal(StripeSignature.Verdict.Valid, Verify(header));
        Assert.Equal(header, StripeSignature.Header(1_800_000_000, Body, Secret));
    }

    [Fact]
    public void Verify_SeveralV1_AnyMatchingAccepted()
    {
        var good = StripeSignature.Header(Now.ToUnixTimeSeconds(), Body, Secret).Split(",v1=")[1];
        var header = $"t={Now.ToUnixTimeSeconds()},v1={new string('0', 64)},v0=abc,v1={good}";
        Assert.Equal(StripeSignature.Verdict.Valid, Verify(header));
    }

    [Fact]
    public void Verify_WrongSecretOrTamperedBody_Mismatch()
    {
        Assert.Equal(StripeSignature.Verdict.Mismatch, Verify(StripeSignature.Header(Now.ToUnixTimeSeconds(), Body, "whsec_other")));
        var tampered = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"invoice.paid" }""");
        Assert.Equal(StripeSignature.Verdict.Mismatch, Verify(StripeSignature.Header(Now.ToUnixTimeSeconds(), Body, Secret), tampered));
        // The timestamp is signed: moving it breaks the signature.
        var moved = StripeSignature.Header(Now.ToUnixTimeSeconds(), Body, Secret).Replace($"t={Now.ToUnixTimeSeconds()}", $"t={Now.ToUnixTimeSeconds() + 1}", StringComparison.Ordinal);
        Assert.Equal(StripeSignature.Verdict.Mismatch, Verify(moved));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public void Verify_OutsideTolerance_Stale(int offsetSeconds) =>
        Assert.Equal(StripeSignature.Verdict.Stale, Verify(StripeSignature.Header(Now.ToUnixTimeSeconds() + offsetSeconds, Body, Secret)));

    [Theory]
    [InlineData(-299)]
    [InlineData(299)]
    public void Verify_InsideTolerance_Valid(int offsetSeconds) =>
        Assert.Equal(StripeSignature.Verdict.Valid, Verify(StripeSignature.Header(Now.ToUnixTimeSeconds() + offsetSeconds, Body, Secret)));

    [Theory]
    [InlineData(null, StripeSignature.Verdict.Missing)]
    [InlineData("", StripeSignature.Verdict.Missing)]
    [InlineData("v1=00", StripeSignature.Verdict.Malformed)]
    [InlineData("t=1800000000", StripeSignature.Verdict.Malformed)]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000", StripeSignature.Verdict.Malformed)]
    [InlineData("t=1800000000,v1=zz00000000000000000000000000000000000000000000000000000000000000", StripeSignature.Verdict.Malformed)]
    [InlineData("t=1800000000,v0=0000000000000000000000000000000000000000000000000000000000000000", StripeSignature.Verdict.Malformed)]
    public void Verify_MissingOrMalformed_Refused(string? header, StripeSignature.Verdict expected) => Assert.Equal(expected, Verify(header));
}
