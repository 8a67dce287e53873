namespace Nextra.Modules.Secrets;

/// <summary>
/// Encryption at rest with the server's secrets key (AES-256-GCM), each ciphertext bound to a tenant and a name, so a
/// blob copied to another tenant or name does not decrypt. Other modules keep their own secrets (SSO client secrets,
/// marketplace signing keys) with it.
/// </summary>
public interface ISecretCipher
{
    byte[] Encrypt(string tenantId, string name, string value);

    string Decrypt(string tenantId, string name, byte[] blob);
}

/// <summary>The names of a tenant's secrets (never their values): the marketplace checks a template's bindings with it.</summary>
public interface ISecretList
{
    Task<IReadOnlyList<SecretListItem>> ListAsync(string tenantId, CancellationToken ct);
}

/// <summary>What a secret's name may be (letters, digits, <c>_ . -</c>, up to 128, not starting with a digit).</summary>
public static partial class SecretNames
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.\-]{0,127}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex Pattern();

    public static bool IsValid(string name) => Pattern().IsMatch(name);
}
