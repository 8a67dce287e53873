using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Nextra.Modules.Billing;

/// <summary>
/// Applies verified Stripe events to a tenant's billing state, then moves the tenant's tier to match
/// (<see cref="BillingTiers"/>). Each event id is processed once; an event older than the state already applied
/// (by Stripe's own timestamps, a deletion winning a tie) changes nothing, so a late <c>updated</c> cannot undo a
/// newer <c>deleted</c>.
/// </summary>
internal sealed class BillingEventHandler(IBillingStore store, BillingOptions options, BillingTiers tiers, TimeProvider time, ILogger<BillingEventHandler> logger)
{
    public enum Outcome { Applied, Duplicate, Ignored }

    private const int Attempts = 5;

    public async Task<Outcome> HandleAsync(JsonElement evt, CancellationToken ct)
    {
        var id = evt.Str("id");
        var type = evt.Str("type");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(type)) return Outcome.Ignored;
        if (!await store.TryClaimEventAsync(id, type, time.GetUtcNow(), ct).ConfigureAwait(false)) return Outcome.Duplicate;
        try
        {
            var applied = await ApplyAsync(type, evt.Long("created") ?? 0, evt.Obj("data").Obj("object"), ct).ConfigureAwait(false);
            return applied ? Outcome.Applied : Outcome.Ignored;
        }
        catch
        {
            // Not processed: forget the id so Stripe's retry of this event is handled.
            await store.ReleaseEventAsync(id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<bool> ApplyAsync(string type, long created, JsonElement obj, CancellationToken ct)
    {
        switch (type)
        {
            case "checkout.session.completed":
            {
                var tenant = obj.Str("client_reference_id");
                if (tenant is null || obj.Str("mode") is not (null or "subscription")) return false;
                return await UpdateAsync(tenant, a => a with
                {
                    CustomerId = obj.Id("customer") ?? a.CustomerId,
                    SubscriptionId = obj.Id("subscription") ?? a.SubscriptionId,
                }, ct).ConfigureAwait(false);
            }
            case "customer.subscription.created" or "customer.subscription.updated" or "customer.subscription.deleted":
            {
                var deleted = type == "customer.subscription.deleted";
                var tenant = obj.Obj("metadata").Str("tenant_id") ?? await TenantOfAsync(obj.Id("customer"), ct).ConfigureAwait(false);
                if (tenant is null) return Unknown(type, obj.Id("customer"));
                var at = created * 10 + (deleted ? 2 : 0);
                var subscription = obj.Str("id");
                var price = StripeEvents.PriceIds(obj).FirstOrDefault(p => options.Plans.Values.Any(plan => plan.Price == p))
                    ?? StripeEvents.PriceIds(obj).FirstOrDefault();
                var plan = options.PlanForPrice(price);
                return await UpdateAsync(tenant, a =>
                {
                    if (at < a.StateAt) return null; // older than what is applied
                    // A deletion of a subscription the tenant has already replaced does not cancel the new one.
                    if (deleted && a.SubscriptionId is not null && subscription is not null && a.SubscriptionId != subscription && a.Status != BillingStatuses.Canceled)
                        return null;
                    var status = deleted ? BillingStatuses.Canceled : obj.Str("status") switch
                    {
                        "active" => BillingStatuses.Active,
                        "trialing" => BillingStatuses.Trialing,
                        "past_due" or "unpaid" => BillingStatuses.PastDue,
                        "canceled" or "incomplete_expired" => BillingStatuses.Canceled,
                        _ => a.Status, // incomplete, paused: no change of tier until Stripe settles it
                    };
                    if (plan is null && !deleted && status is BillingStatuses.Active or BillingStatuses.Trialing)
                        logger.LogWarning("Stripe subscription {Subscription} has price {Price}, which no [billing.plans.*] has; the tenant's tier is not changed", subscription, price);
                    return a with
                    {
                        CustomerId = obj.Id("customer") ?? a.CustomerId,
                        SubscriptionId = subscription ?? a.SubscriptionId,
                        Status = status,
                        PlanTier = plan?.Tier ?? a.PlanTier,
                        PriceId = price ?? a.PriceId,
                        CurrentPeriodEnd = StripeEvents.PeriodEnd(obj) is { } end ? DateTimeOffset.FromUnixTimeSeconds(end) : a.CurrentPeriodEnd,
                        CancelAtPeriodEnd = !deleted && obj.Bool("cancel_at_period_end"),
                        PastDueSince = status == BillingStatuses.PastDue ? a.PastDueSince ?? DateTimeOffset.FromUnixTimeSeconds(created) : null,
                        StateAt = at,
                    };
                }, ct).ConfigureAwait(false);
            }
            case "invoice.payment_failed" or "invoice.paid":
            {
                var failed = type == "invoice.payment_failed";
                var tenant = await TenantOfAsync(obj.Id("customer"), ct).ConfigureAwait(false);
                if (tenant is null) return Unknown(type, obj.Id("customer"));
                var subscription = StripeEvents.InvoiceSubscription(obj);
                var at = created * 10 + 1;
                return await UpdateAsync(tenant, a =>
                {
                    if (at < a.StateAt || a.Status is BillingStatuses.Canceled or BillingStatuses.None) return null;
                    if (subscription is not null && a.SubscriptionId is not null && subscription != a.SubscriptionId) return null;
                    if (failed)
                        return a with { Status = BillingStatuses.PastDue, PastDueSince = a.PastDueSince ?? DateTimeOffset.FromUnixTimeSeconds(created), StateAt = at };
                    return a.Status == BillingStatuses.PastDue ? a with { Status = BillingStatuses.Active, PastDueSince = null, StateAt = at } : a with { StateAt = at };
                }, ct).ConfigureAwait(false);
            }
            default:
                return false;
        }
    }

    private async Task<string?> TenantOfAsync(string? customer, CancellationToken ct) =>
        customer is null ? null : await store.TenantOfCustomerAsync(customer, ct).ConfigureAwait(false);

    private bool Unknown(string type, string? customer)
    {
        logger.LogWarning("Stripe event {Type} for customer {Customer}, which no tenant has; ignored", type, customer);
        return false;
    }

    /// <summary>Read, change, write with the version read (retried when another instance wrote first), then follow with the tier.</summary>
    private async Task<bool> UpdateAsync(string tenantId, Func<BillingAccount, BillingAccount?> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await store.GetAsync(tenantId, ct).ConfigureAwait(false);
            if (current is null && !await tiers.TenantExistsAsync(tenantId, ct).ConfigureAwait(false))
            {
                logger.LogWarning("Stripe event names tenant {TenantId}, which does not exist; ignored", tenantId);
                return false;
            }
            var next = change(current ?? new BillingAccount { TenantId = tenantId });
            if (next is null) return false;
            next = next with { UpdatedAt = time.GetUtcNow() };
            if (!await store.SaveAsync(next, current?.Version, ct).ConfigureAwait(false)) continue;
            await tiers.FollowAsync(tenantId, ct).ConfigureAwait(false);
            return true;
        }
        throw new InvalidOperationException($"The billing state of tenant {tenantId} kept changing under this update; Stripe will retry the event.");
    }
}
