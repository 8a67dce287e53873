using Nextra.Host.Hosting;

namespace Nextra.Host.Tests.Hosting;

/// <summary>The server's first minute (issue 16): the setup link stands apart from the JSON log on a terminal.</summary>
public sealed class SetupLinkPrinterTests
{
    private const string Link = "http://127.0.0.1:5080/setup?token=abc123";

    [Fact]
    public void Format_Redirected_OnePlainLineScriptsCanRead()
    {
        var text = SetupLinkPrinter.Format(Link, terminal: false);
        Assert.Equal($"Nextra is running. Create the owner account (one-time link): {Link}", text);
        Assert.DoesNotContain('\u001b', text);
    }

    [Fact]
    public void Format_Terminal_HighlightedBlockWithTheLinkOnALineOfItsOwn()
    {
        var lines = SetupLinkPrinter.Format(Link, terminal: true).Split('\n');
        Assert.Equal("", lines[0]);
        Assert.Equal("", lines[^1]);
        Assert.Contains(lines, l => l.Contains("\u001b[1;4;36m" + Link + "\u001b[0m", StringComparison.Ordinal));
        Assert.Contains("╭", lines[1]);
        Assert.Contains("╰", lines[^2]);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith('{'));
    }
}
