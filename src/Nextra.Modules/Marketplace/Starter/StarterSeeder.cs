using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace.Starter;

/// <summary>
/// Publishes the <see cref="StarterCatalogue"/> as <c>nextra/*</c> at start (after migrations), signed and countersigned by the
/// registry key, so a fresh install shows it. Idempotent and safe on several instances: an existing version is left alone.
/// </summary>
internal sealed class StarterSeeder(IMarketplaceStore store, MarketplaceKeys keys, IOptions<MarketplaceOptions> options, TimeProvider time,
    ILogger<StarterSeeder> logger) : IHostedService
{
    public const string Publisher = "nextra";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Starter)
            return;
        var added = await SeedAsync(cancellationToken);
        if (added > 0)
            logger.LogInformation("Marketplace: published {Count} starter listings under nextra/", added);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> SeedAsync(CancellationToken ct)
    {
        var added = 0;
        var server = await keys.ServerKeyAsync(ct);
        foreach (var entry in StarterCatalogue.Entries)
        {
            var id = $"{Publisher}/{entry.Name}";
            if (await store.GetVersionAsync(id, StarterCatalogue.Version, ct) is not null)
                continue;
            var content = StarterCatalogue.Content(entry);
            var now = SqliteCommands.Iso(time.GetUtcNow());
            string manifest, permissionsHash, file;
            if (entry.Kind == "tool")
            {
                var permissions = entry.Permissions ?? new ToolPermissions();
                manifest = JsonSerializer.Serialize(permissions, MarketplaceJsonContext.Default.ToolPermissions);
                permissionsHash = permissions.Hash();
                file = "tool.wasm";
            }
            else
            {
                var sanitized = TemplateSanitizer.Sanitize(Encoding.UTF8.GetString(content));
                if (sanitized.Findings.Length > 0)
                    throw new InvalidOperationException($"starter template {id}: {sanitized.Findings[0].Message} at line {sanitized.Findings[0].Line}");
                manifest = JsonSerializer.Serialize(new TemplateManifest(entry.Inputs ?? [], sanitized.Secrets, sanitized.Tools), MarketplaceJsonContext.Default.TemplateManifest);
                permissionsHash = PackageStatement.Digest(manifest);
                file = "organism.yaml";
            }
            var statement = PackageStatement.Create(id, StarterCatalogue.Version, entry.Kind,
                new Dictionary<string, string> { [file] = PackageStatement.Digest(content) }, permissionsHash, now);
            var approval = PackageStatement.Approval(statement, "official", now);
            var listing = await store.GetListingAsync(PackageVerifier.SystemTenant, id, ct) ?? new ListingRow
            {
                Id = id, Kind = entry.Kind, Publisher = Publisher, Name = entry.Name, TenantId = PackageVerifier.SystemTenant, CreatedAt = now,
            };
            listing.DisplayName = entry.DisplayName;
            listing.Summary = entry.Summary;
            listing.Readme = entry.Readme;
            listing.Categories = JsonSerializer.Serialize(entry.Categories, MarketplaceJsonContext.Default.StringArray);
            listing.Visibility = "public";
            listing.ReviewLevel = "official";
            listing.UpdatedAt = now;
            await store.SaveListingAsync(listing, ct);
            var inserted = await store.InsertVersionAsync(new VersionRow
            {
                ListingId = id, Version = StarterCatalogue.Version, State = "published", Manifest = manifest, Content = content,
                Digest = PackageStatement.Digest(content), Statement = statement,
                Signature = Convert.ToBase64String(await keys.CountersignAsync(PackageStatement.PublisherMessage(statement), ct)), SignerKeyId = server.KeyId,
                Approval = approval, Countersignature = Convert.ToBase64String(await keys.CountersignAsync(PackageStatement.ApprovalMessage(approval), ct)),
                CounterKeyId = server.KeyId, CreatedAt = now,
            }, ct);
            if (listing.LatestVersion is null || MarketplaceService.Compare(StarterCatalogue.Version, listing.LatestVersion) > 0)
            {
                listing.LatestVersion = StarterCatalogue.Version;
                await store.SaveListingAsync(listing, ct);
            }
            if (inserted) added++;
        }
        return added;
    }
}
