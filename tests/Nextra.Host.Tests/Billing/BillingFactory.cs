using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Nextra.Host.Tests.Billing;

/// <summary>The real host billing with Stripe against <see cref="ScriptedStripe"/>, on a clock the test moves.</summary>
public sealed class BillingFactory : NextraFactory
{
    public const string WebhookSecret = "whsec_scripted";
    public const string SecretKey = "sk_test_scripted";
    public const string ProPrice = "price_pro_monthly";
    public const string PaidPrice = "price_paid_monthly";
    public const string ProMetered = "price_pro_executions";
    public const int ProIncluded = 2;

    public ScriptedStripe Stripe { get; } = new();

    public ManualTime Time { get; } = new(DateTimeOffset.UtcNow.AddSeconds(-DateTimeOffset.UtcNow.Second));

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Tiers:DefaultTier", "free"),
        new("Tiers:Free:Flows", "1"),
        // Small enough to reach in the downgrade tests (pro runs any number of flows and 10 modules).
        new("Tiers:Paid:Flows", "2"),
        new("Tiers:Paid:WasmModules", "1"),
        new("Tiers:Pro:ExecutionsPerMonth", ProIncluded.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Billing:Provider", "stripe"),
        new("Billing:StripeSecretKey", SecretKey),
        new("Billing:StripeWebhookSecret", WebhookSecret),
        new("Billing:StripeApiBase", Stripe.BaseUrl),
        new("Billing:GraceDays", "7"),
        new("Billing:Plans:Paid:Price", PaidPrice),
        new("Billing:Plans:Pro:Price", ProPrice),
        new("Billing:Plans:Pro:MeteredPrice", ProMetered),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Now.UtcTicks;
    public void Advance(TimeSpan by) => Now += by;
}
