using Nextra.Modules.Triggers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Tests.Runs;

public class WebhookTokensTests
{
    [Fact]
    public async Task Match_RightWrongAndOtherFlowsToken()
    {
        using var dir = new TempDir();
        await using var store = new InboxStore(dir.File("inbox.db"));
        var tokens = new WebhookTokens(store, TimeProvider.System);
        var a = tokens.Ensure("f1", "hook");
        var b = tokens.Ensure("f1", "other");
        var c = tokens.Ensure("f2", "hook");
        Assert.Equal(43, a.Length); // 32 random bytes, base64url without padding
        Assert.Equal(a, tokens.Ensure("f1", "hook"));
        Assert.Equal("hook", tokens.Match("f1", a));
        Assert.Equal("other", tokens.Match("f1", b));
        Assert.Null(tokens.Match("f1", c));
        Assert.Null(tokens.Match("f1", a[..^1]));
        Assert.Null(tokens.Match("f3", a));
        // Tokens survive a restart; a rotated token replaces the old one.
        var reloaded = new WebhookTokens(store, TimeProvider.System);
        Assert.Equal("hook", reloaded.Match("f1", a));
        var rotated = reloaded.Rotate("f1", "hook");
        Assert.Null(reloaded.Match("f1", a));
        Assert.Equal("hook", reloaded.Match("f1", rotated));
    }
}
