using Nextra.Pump.Headless;

namespace Nextra.Pump.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Cli_BranchExample_RoutesUrgentTicket()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "branch.yaml");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PumpCli.RunAsync(path, "<Ticket><Subject>Hi</Subject><Body>b</Body><Priority>5</Priority></Ticket>", null, null, 10, [], stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stdout + "\n" + stderr);
        Assert.Contains("\"listener\": \"urgent\"", stdout.ToString());
    }
}
