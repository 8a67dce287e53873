using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Triggers;

/// <summary>
/// R10's holds. At 100% of the month's executions a webhook is still durably accepted but held (202 with
/// <c>X-Nextra-Held: quota</c>), not counted and not run, up to <see cref="TriggersOptions.MaxHeldRuns"/> per tenant
/// (beyond: 429 <c>quota_exceeded</c> with <c>Retry-After</c> = seconds to the period reset). Held runs are released
/// FIFO, and counted, when executions are available again: at the period reset (a sweep every
/// <see cref="TriggersOptions.HeldReleaseSeconds"/>) or at once on a tier change. All state is in the database
/// (<see cref="IHeldRunStore"/>) and the shared quota counter, so any instance may hold or release.
/// </summary>
public sealed class HeldRuns(IHeldRunStore store, HeldRunRelease release, ITierLimits tiers, TimeProvider time, IOptions<TriggersOptions> options,
    ILogger<HeldRuns> logger) : BackgroundService
{
    /// <summary>The header of a webhook answer whose run is held.</summary>
    public const string Header = "X-Nextra-Held";

    /// <summary>Holds a webhook's request (its execution could not be reserved) and writes the answer.</summary>
    internal async Task<IResult> HoldAsync(RunRequest request, HttpContext http, CancellationToken ct)
    {
        if (await store.HoldAsync(request, options.Value.MaxHeldRuns, ct).ConfigureAwait(false))
        {
            http.Response.Headers[Header] = "quota";
            return TypedResults.Json(new RunAccepted(request.Id), TriggersJsonContext.Default.RunAccepted, statusCode: StatusCodes.Status202Accepted);
        }
        var tier = await tiers.ForTenantAsync(request.TenantId, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var ex = Quota.Executions(tier, now);
        // Written here rather than thrown: the exception handler would drop the Retry-After header.
        http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling((Quota.PeriodEnd(now) - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(http, ex.Status, ex.Code, ex.Title,
            ex.Detail + $" {options.Value.MaxHeldRuns.ToString("N0", CultureInfo.InvariantCulture)} webhooks are already held until then.").ConfigureAwait(false);
        return TypedResults.Empty;
    }

    /// <summary>Releases what the tenant's current tier allows now, oldest first; returns how many were released.</summary>
    public async Task<int> ReleaseAsync(string tenantId, CancellationToken ct = default) =>
        await release.ReleaseAsync(tenantId, await tiers.ForTenantAsync(tenantId, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>Releases every tenant's held runs that its executions allow now.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var released = 0;
        foreach (var tenant in await store.TenantsAsync(ct).ConfigureAwait(false))
        {
            try
            {
                released += await ReleaseAsync(tenant, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Tenant {TenantId}: held runs not released; retried at the next sweep", tenant);
            }
        }
        return released;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.HeldReleaseSeconds));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(every, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Held runs sweep failed; retried");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
