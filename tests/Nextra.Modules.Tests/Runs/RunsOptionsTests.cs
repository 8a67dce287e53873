using Nextra.Modules.Runs;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Tests.Runs;

/// <summary>The server's retention ceilings over a tier's retention (issue 19, defect 7).</summary>
public class RunsOptionsTests
{
    [Theory]
    [InlineData(1_000_000, 365.0, 10_000, 30.0, 10_000, 30.0)] // the default tier on a self-hosted server
    [InlineData(1_000, 7.0, 10_000, 30.0, 1_000, 7.0)]         // a tier below the ceilings keeps its own
    [InlineData(1_000_000, 365.0, 0, 0.0, 1_000_000, 365.0)]   // 0 = the tier decides
    public void Cap_LowerOfTierAndServer(int tierRuns, double tierDays, long maxRuns, double maxDays, int runs, double days)
    {
        var capped = new RunsOptions { MaxRunsPerFlow = maxRuns, MaxAgeDays = maxDays }.Cap(new RetentionPolicy { MaxRunsPerFlow = tierRuns, MaxAgeDays = tierDays });
        Assert.Equal((runs, days), (capped.MaxRunsPerFlow, capped.MaxAgeDays));
    }

    [Fact]
    public void Defaults_BoundedHistory()
    {
        var o = new RunsOptions();
        Assert.Equal(1024L * 1024 * 1024, o.MaxDiskBytes);
        Assert.Equal(0, new RunsOptions { MaxDiskMb = 0 }.MaxDiskBytes);
    }
}
