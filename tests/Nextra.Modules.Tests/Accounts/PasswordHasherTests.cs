using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts;

namespace Nextra.Modules.Tests.Accounts;

public sealed class PasswordHasherTests
{
    private static PasswordHasher Hasher(int iterations = 1000) => new(Options.Create(new AccountsOptions { PasswordIterations = iterations }));

    [Fact]
    public void Verify_RightPassword_True()
    {
        var hasher = Hasher();

        Assert.True(hasher.Verify("s3cret password", hasher.Hash("s3cret password")));
    }

    [Fact]
    public void Verify_WrongPassword_False()
    {
        var hasher = Hasher();

        Assert.False(hasher.Verify("s3cret passworD", hasher.Hash("s3cret password")));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DifferentSalts()
    {
        var hasher = Hasher();

        Assert.NotEqual(hasher.Hash("same"), hasher.Hash("same"));
    }

    [Fact]
    public void Hash_RecordsSchemeAndCost_NoPlaintext()
    {
        var stored = Hasher(1234).Hash("visible?");

        Assert.StartsWith("pbkdf2-sha256$1234$", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("visible", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_HashMadeWithOtherCost_StillVerifies()
    {
        var old = Hasher(1000).Hash("pw-from-before");

        Assert.True(Hasher(2000).Verify("pw-from-before", old));
    }

    [Fact]
    public void Default_Cost_IsAtLeastOwaspMinimum()
    {
        Assert.True(new AccountsOptions().PasswordIterations >= 600_000);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$10$not base64$AAAA")]
    [InlineData("bcrypt$10$AAAA$AAAA")]
    public void Verify_MalformedStoredHash_False(string stored)
    {
        Assert.False(Hasher().Verify("anything", stored));
    }
}
