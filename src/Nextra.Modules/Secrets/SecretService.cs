using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Secrets.Stores;

namespace Nextra.Modules.Secrets;

/// <summary>
/// Tenant secrets: write-only over the API, encrypted at rest, readable only by flows of the same tenant
/// (through <see cref="ISecretResolverFactory"/>). Nothing here logs a value.
/// </summary>
internal sealed partial class SecretService(ISecretStore store, SecretCipher cipher, IOptions<SecretsOptions> options, TimeProvider time) : ISecretList
{
    public static bool IsValidName(string name) => SecretNames.IsValid(name);

    public async Task<IReadOnlyList<SecretListItem>> ListAsync(string tenantId, CancellationToken ct) =>
        (await store.ListAsync(tenantId, ct))
            .Select(r => new SecretListItem(r.Name, DateTimeOffset.Parse(r.UpdatedAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)))
            .ToArray();

    /// <summary>Returns true when the secret was created (false: replaced).</summary>
    public Task<bool> PutAsync(string tenantId, string name, string? value, string? by, CancellationToken ct)
    {
        CheckName(name);
        if (string.IsNullOrEmpty(value))
            throw Invalid("value", "value is required and may not be empty");
        if (Encoding.UTF8.GetByteCount(value) > options.Value.MaxValueBytes)
            throw Invalid("value", $"value is longer than {options.Value.MaxValueBytes} bytes");
        var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        return store.UpsertAsync(new SecretRow
        {
            TenantId = tenantId, Name = name, Value = cipher.Encrypt(tenantId, name, value), CreatedAt = now, UpdatedAt = now, UpdatedBy = by,
        }, ct);
    }

    public async Task DeleteAsync(string tenantId, string name, CancellationToken ct)
    {
        if (!IsValidName(name) || !await store.DeleteAsync(tenantId, name, ct))
            throw ApiException.NotFound($"Secret '{name}'");
    }

    /// <summary>The plain value for a flow of <paramref name="tenantId"/>, or null when absent.</summary>
    public async Task<string?> RevealAsync(string tenantId, string name, CancellationToken ct)
    {
        if (!IsValidName(name))
            return null;
        var blob = await store.GetValueAsync(tenantId, name, ct);
        return blob is null ? null : cipher.Decrypt(tenantId, name, blob);
    }

    private static void CheckName(string name)
    {
        if (!IsValidName(name))
            throw Invalid("name", "a secret name starts with a letter or '_' and has up to 128 letters, digits, '_', '-' or '.'");
    }

    private static ApiException Invalid(string field, string message)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", message);
        ex.Extensions["errors"] = new[] { new FieldError(field, ErrorCodes.ValidationFailed, message) };
        return ex;
    }
}
