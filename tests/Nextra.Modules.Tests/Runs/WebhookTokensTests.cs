using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Common;
using Nextra.Modules.Storage;
using Nextra.Modules.Tests.Storage;
using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Runs;

public class WebhookTokensTests
{
    [Fact]
    public async Task Match_RightWrongAndOtherFlowsToken_RotateStopsOldUrl()
    {
        await using var h = await StoreHarness.CreateAsync(StorageProviders.Sqlite, (s, c) => s.AddTriggers(c));
        var tokens = h.Get<WebhookTokens>();
        var a = await tokens.EnsureAsync("t1", "f1", "hook", default);
        var b = await tokens.EnsureAsync("t1", "f1", "other", default);
        var c = await tokens.EnsureAsync("t1", "f2", "hook", default);
        Assert.Equal(43, a.Length); // 32 random bytes, base64url without padding
        Assert.Equal(a, await tokens.EnsureAsync("t1", "f1", "hook", default));
        Assert.Equal("hook", await tokens.MatchAsync("f1", a, default));
        Assert.Equal("other", await tokens.MatchAsync("f1", b, default));
        Assert.Null(await tokens.MatchAsync("f1", c, default));
        Assert.Null(await tokens.MatchAsync("f1", a[..^1], default));
        Assert.Null(await tokens.MatchAsync("f3", a, default));
        var rotated = await tokens.RotateAsync("t1", "f1", "hook", default);
        Assert.Null(await tokens.MatchAsync("f1", a, default));
        Assert.Equal("hook", await tokens.MatchAsync("f1", rotated, default));
    }

    [Fact]
    public async Task Rotate_ThroughAnotherInstance_InvalidationStopsTheOldTokenHere()
    {
        await using var h = await StoreHarness.CreateAsync(StorageProviders.Sqlite, (s, c) => s.AddTriggers(c));
        var invalidator = h.Get<ICacheInvalidator>();
        var here = h.Get<WebhookTokens>();
        // A second cache over the same store stands for another instance; both hear the same invalidations.
        using var there = new WebhookTokens(h.Get<IWebhookTokenStore>(), invalidator, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookTokens>.Instance);
        var old = await here.EnsureAsync("t1", "f1", "hook", default);
        Assert.Equal("hook", await there.MatchAsync("f1", old, default)); // cached there now
        var rotated = await here.RotateAsync("t1", "f1", "hook", default);
        Assert.Null(await there.MatchAsync("f1", old, default));
        Assert.Equal("hook", await there.MatchAsync("f1", rotated, default));
    }
}
