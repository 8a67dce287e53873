using System.Security.Cryptography;
using Nextra.Modules.Secrets;

namespace Nextra.Modules.Tests.Secrets;

public sealed class SecretCipherTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nextra-secrets-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    private static SecretCipher Cipher() => new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Decrypt_OwnBlob_ReturnsValueAndCiphertextHidesIt()
    {
        var cipher = Cipher();
        var blob = cipher.Encrypt("t1", "OPENAI", "sk-live-1234567890");
        Assert.Equal("sk-live-1234567890", cipher.Decrypt("t1", "OPENAI", blob));
        Assert.DoesNotContain("sk-live", System.Text.Encoding.UTF8.GetString(blob));
        Assert.NotEqual(blob, cipher.Encrypt("t1", "OPENAI", "sk-live-1234567890"));
    }

    [Theory]
    [InlineData("t2", "OPENAI")]
    [InlineData("t1", "OTHER")]
    public void Decrypt_BlobMovedToAnotherTenantOrName_Fails(string tenant, string name)
    {
        var cipher = Cipher();
        var blob = cipher.Encrypt("t1", "OPENAI", "value");
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(tenant, name, blob));
    }

    [Fact]
    public void Decrypt_TamperedBlobOrOtherKey_Fails()
    {
        var cipher = Cipher();
        var blob = cipher.Encrypt("t1", "N", "value");
        blob[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt("t1", "N", blob));
        Assert.ThrowsAny<CryptographicException>(() => Cipher().Decrypt("t1", "N", cipher.Encrypt("t1", "N", "value")));
    }

    [Fact]
    public void Load_NoKeyConfigured_GeneratesKeyFileOnceAndReusesIt()
    {
        var first = SecretKeyLoader.Load(new SecretsOptions(), _dir);
        var path = Path.Combine(_dir, "secrets.key");
        Assert.True(File.Exists(path));
        Assert.Equal(32, first.Length);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first, SecretKeyLoader.Load(new SecretsOptions(), _dir));
    }

    [Fact]
    public void Load_ConfiguredKey_WinsAndBadKeyIsRejected()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(key, SecretKeyLoader.Load(new SecretsOptions { Key = Convert.ToBase64String(key) }, _dir));
        Assert.False(File.Exists(Path.Combine(_dir, "secrets.key")));
        Assert.Throws<InvalidOperationException>(() => SecretKeyLoader.Load(new SecretsOptions { Key = Convert.ToBase64String(new byte[16]) }, _dir));
        Assert.Throws<InvalidOperationException>(() => SecretKeyLoader.Load(new SecretsOptions { Key = "not base64!" }, _dir));
    }
}
