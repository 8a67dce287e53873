using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Staged auto-updates (R4): an install that opted into auto-update moves to the newest published version of its major. The
/// first stage (<see cref="FirstStagePercent"/>% of tenants, by a hash of tenant and listing, so a tenant is always in the same
/// stage of a listing) moves as soon as a pass sees the version; the rest after <c>[marketplace] staged_update_hours</c>, unless
/// the first stage's failure rate rose (see <see cref="EvaluateAsync"/>: then the rollout is halted and the rest stay). A version
/// that widens permissions never moves an install: it waits as the install's pending version for approval. Every change is a
/// guarded statement on the database (no state in this process), so any number of instances may run passes.
/// </summary>
internal sealed class StagedUpdates(IMarketplaceStore store, IRolloutStore rollouts, PackageVerifier verifier, MarketplaceService service, IFlowLibrary flows,
    ITraceStore traces, IOptions<MarketplaceOptions> options, ILogger<StagedUpdates> logger)
{
    public const int FirstStagePercent = 10;

    /// <summary>Whether the tenant is in the first stage of the listing's rollouts (stable: the same for every version).</summary>
    public static bool InFirstStage(string tenantId, string listingId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenantId + "\n" + listingId));
        return BinaryPrimitives.ReadUInt32BigEndian(hash) % 100 < FirstStagePercent;
    }

    /// <summary>One pass at <paramref name="now"/>; returns how many installs moved.</summary>
    public async Task<int> RunOnceAsync(DateTimeOffset now, CancellationToken ct)
    {
        var moved = 0;
        var installs = await rollouts.AutoUpdateInstallsAsync(ct);
        foreach (var group in installs.GroupBy(i => (i.ListingId, i.Major)))
        {
            var versions = await store.ListVersionsAsync(group.Key.ListingId, ct);
            var target = versions.Where(v => v.State == "published" && MarketplaceService.MajorOf(v.Version) == group.Key.Major)
                .Select(v => v.Version).OrderDescending(Comparer<string>.Create(MarketplaceService.Compare)).FirstOrDefault();
            if (target is null) continue;
            var behind = group.Where(i => MarketplaceService.Compare(target, i.Version) > 0).ToList();
            if (behind.Count == 0) continue;
            var rollout = await rollouts.GetOrStartAsync(new RolloutRow
            {
                ListingId = group.Key.ListingId, Version = target, Major = group.Key.Major, StartedAt = SqliteCommands.Iso(now), State = "first",
            }, ct);
            var restDue = now >= SqliteCommands.ParseIso(rollout.StartedAt).AddHours(options.Value.StagedUpdateHours);
            if (rollout.State == "first" && restDue)
            {
                var (halt, detail) = await EvaluateAsync(group.ToList(), rollout, ct);
                await rollouts.DecideAsync(rollout.ListingId, rollout.Version, halt ? "halted" : "complete", detail, SqliteCommands.Iso(now), ct);
                rollout = await rollouts.GetAsync(rollout.ListingId, rollout.Version, ct) ?? rollout;
                if (halt) logger.LogWarning("Staged update of {Listing}@{Version} halted: {Detail}", rollout.ListingId, rollout.Version, detail);
            }
            if (rollout.State == "halted") continue;
            foreach (var install in behind)
            {
                var first = InFirstStage(install.TenantId, install.ListingId);
                if (!first && rollout.State != "complete") continue;
                if (await MoveAsync(install, target, now, ct)) moved++;
            }
        }
        return moved;
    }

    private async Task<bool> MoveAsync(InstallRow install, string target, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var listing = await store.GetListingAsync(install.TenantId, install.ListingId, ct);
            var version = await store.GetVersionAsync(install.ListingId, target, ct);
            if (listing is null || version is null) return false;
            var current = JsonSerializer.Deserialize(install.Permissions, MarketplaceJsonContext.Default.ToolPermissions) ?? new ToolPermissions();
            var next = PackageVerifier.ToolPermissionsOf(version);
            if (current.WidenedBy(next).Length > 0)
            {
                // Never automatic: the install stays where it is and shows the upgrade waiting for approval (permission_approval_required).
                await rollouts.HoldInstallAsync(install.Id, target, SqliteCommands.Iso(now), ct);
                return false;
            }
            await verifier.VerifyAsync(listing, version, ct);
            var (ok, detail) = service.CheckImports(version.Content, MarketplaceInstalls.PackageStatementFile(version), next);
            if (!ok)
                throw new ApiException(422, MarketplaceErrors.ImportNotPermitted, "Import not permitted", detail);
            return await rollouts.MoveInstallAsync(new InstallRow
            {
                Id = install.Id, Version = version.Version, Digest = version.Digest, Permissions = version.Manifest, PermissionsHash = next.Hash(),
                UpdatedAt = SqliteCommands.Iso(now),
            }, install.Version, ct);
        }
        catch (ApiException ex)
        {
            logger.LogWarning("Auto-update of install {Install} to {Listing}@{Version} refused: {Code} {Detail}", install.Id, install.ListingId, target, ex.Code, ex.Detail);
            return false;
        }
    }

    /// <summary>
    /// The rule that holds back the rest: among the first-stage tenants already on the version, the share of failed runs of
    /// their flows that use the tool since the rollout started, against the same flows' share in the same length of time just
    /// before it. With at least <c>staged_update_min_runs</c> finished runs since, a rise of more than
    /// <c>staged_update_failure_rise</c> halts the rollout.
    /// </summary>
    internal async Task<(bool Halt, string Detail)> EvaluateAsync(IReadOnlyList<InstallRow> installs, RolloutRow rollout, CancellationToken ct)
    {
        var started = SqliteCommands.ParseIso(rollout.StartedAt);
        var window = TimeSpan.FromHours(Math.Max(options.Value.StagedUpdateHours, 1));
        int afterRuns = 0, afterFailed = 0, beforeRuns = 0, beforeFailed = 0;
        var reference = $"{rollout.ListingId}@{rollout.Major}";
        foreach (var install in installs.Where(i => i.Version == rollout.Version && InFirstStage(i.TenantId, i.ListingId)))
        {
            foreach (var flow in await flows.ListAsync(install.TenantId, ct))
            {
                if (!Engine.ModuleReferences.Find(flow.OrganismYaml).Any(r => $"{r.Name}@{r.Version}" == reference)) continue;
                var since = await traces.OutcomesSinceAsync(install.TenantId, flow.Id, started, ct);
                var all = await traces.OutcomesSinceAsync(install.TenantId, flow.Id, started - window, ct);
                afterRuns += since.Finished;
                afterFailed += since.Failed;
                beforeRuns += all.Finished - since.Finished;
                beforeFailed += all.Failed - since.Failed;
            }
        }
        var after = afterRuns == 0 ? 0 : (double)afterFailed / afterRuns;
        var before = beforeRuns == 0 ? 0 : (double)beforeFailed / beforeRuns;
        var detail = $"first stage: {afterFailed}/{afterRuns} runs failed since the update, {beforeFailed}/{beforeRuns} before";
        var halt = afterRuns >= options.Value.StagedUpdateMinRuns && after - before > options.Value.StagedUpdateFailureRise;
        return (halt, halt ? $"{detail}: failure rate rose from {before:P0} to {after:P0}" : detail);
    }
}
