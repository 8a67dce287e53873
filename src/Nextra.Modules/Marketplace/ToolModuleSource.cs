using System.Globalization;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.WasmModules;
using Nextra.Pump.Wasm;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// The tenant's installed tools as modules named <c>publisher/name@MAJOR</c>. Every load (flow validation, start, hot reload)
/// re-checks the stored bytes against the install (digest, signatures, revocation): a tampered artifact is refused with
/// <c>digest_mismatch</c> / <c>signature_invalid</c>, and the steps that use it fail with that code.
/// </summary>
internal sealed class ToolModuleSource(IMarketplaceStore store, PackageVerifier verifier, TimeProvider time) : IExternalModuleSource
{
    public async Task<IReadOnlyList<ExternalModule>> LoadAsync(string tenantId, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        var result = new List<ExternalModule>();
        var day = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var install in (await store.ListInstallsAsync(tenantId, ct)).Where(i => i.Kind == "tool" && names.Contains(i.ListingId)))
        {
            var label = $"{install.ListingId}@{install.Version}";
            try
            {
                var listing = await store.GetListingAsync(tenantId, install.ListingId, ct) ?? throw PackageVerifier.Refused(MarketplaceErrors.ToolRevoked, $"{label} is no longer listed.");
                var version = await store.GetVersionAsync(install.ListingId, install.Version, ct) ?? throw PackageVerifier.Refused(MarketplaceErrors.ToolRevoked, $"{label} is no longer available.");
                await verifier.VerifyAsync(listing, version, ct);
                var permissions = PackageVerifier.ToolPermissionsOf(version);
                if (version.Digest != install.Digest || permissions.Hash() != install.PermissionsHash)
                    throw PackageVerifier.Refused(MarketplaceErrors.DigestMismatch, $"{label}: the stored tool differs from what was installed.");
                var file = MarketplaceInstalls.PackageStatementFile(version);
                var code = file == "tool.wat" ? WasmCode.FromText(label, System.Text.Encoding.UTF8.GetString(version.Content)) : WasmCode.FromBinary(label, version.Content);
                var hosts = permissions.Http?.Hosts ?? [];
                var limits = permissions.Limits;
                var max = WasmTierLimits.Unlimited;
                result.Add(new ExternalModule(install.ListingId, install.Major, new WasmModuleRecord(install.ListingId, install.Major, code)
                {
                    Grants = MarketplaceService.Grants(permissions),
                    Limits = new WasmTierLimits(limits?.FuelPerCall is { } f ? (ulong)Math.Max(0, f) : max.MaxFuel, limits?.MemoryMib ?? max.MaxMemoryMb, limits?.TimeoutMs ?? max.MaxTimeoutMs),
                    AllowsUrl = url => hosts.Any(h => HostPatterns.Matches(h, url)),
                    Secrets = SecretGrants(permissions, install.SecretBindings),
                    Digest = version.Digest,
                }));
                await store.RecordUsageAsync(tenantId, install.ListingId, day, ct);
            }
            catch (ApiException ex)
            {
                result.Add(new ExternalModule(install.ListingId, install.Major, null, ex.Code, ex.Detail ?? ex.Message));
            }
        }
        return result;
    }

    /// <summary>Each granted secret, bound to the tenant secret named at install, and sent only to its own hosts.</summary>
    internal static WasmSecretGrant[] SecretGrants(ToolPermissions permissions, string bindingsJson)
    {
        var bindings = System.Text.Json.JsonSerializer.Deserialize(bindingsJson, MarketplaceJsonContext.Default.DictionaryStringString) ?? [];
        return [.. (permissions.Secrets ?? []).Select(s =>
        {
            var own = s.Hosts.ToArray();
            return new WasmSecretGrant(s.Name, bindings.GetValueOrDefault(s.Name) ?? s.Name, url => own.Any(h => HostPatterns.Matches(h, url)));
        })];
    }
}
