using Nextra.Modules.Marketplace;

namespace Nextra.Modules.Tests.Marketplace;

/// <summary>The secrets a loaded tool gets: each bound to the tenant secret chosen at install, each sent only to its own hosts.</summary>
public sealed class ToolSecretGrantsTests
{
    [Fact]
    public void SecretGrants_BoundAtInstall_OnlyTheSecretsOwnHosts()
    {
        var permissions = new ToolPermissions
        {
            Http = new HttpGrant(["https://api.openai.com", "https://*.slack.com"], ["POST"]),
            Secrets = [new SecretGrant("OPENAI_KEY", ["https://api.openai.com"]), new SecretGrant("SLACK_TOKEN", ["https://*.slack.com"])],
        };

        var grants = ToolModuleSource.SecretGrants(permissions, """{"OPENAI_KEY":"MY_OPENAI"}""");

        var openai = grants.Single(g => g.Name == "OPENAI_KEY");
        Assert.Equal("MY_OPENAI", openai.Binding);
        Assert.True(openai.AllowsUrl(new Uri("https://api.openai.com/v1/chat")));
        Assert.False(openai.AllowsUrl(new Uri("https://hooks.slack.com/x"))); // another granted host: not this secret's
        Assert.False(openai.AllowsUrl(new Uri("http://api.openai.com/v1/chat")));
        Assert.False(openai.AllowsUrl(new Uri("https://api.openai.com.evil.example/")));
        var slack = grants.Single(g => g.Name == "SLACK_TOKEN");
        Assert.Equal("SLACK_TOKEN", slack.Binding); // unbound names bind to the same name
        Assert.True(slack.AllowsUrl(new Uri("https://hooks.slack.com/x")));
        Assert.False(slack.AllowsUrl(new Uri("https://api.openai.com/")));
        Assert.Empty(ToolModuleSource.SecretGrants(new ToolPermissions(), "{}"));
    }
}
