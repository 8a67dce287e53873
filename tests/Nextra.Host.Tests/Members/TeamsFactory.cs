namespace Nextra.Host.Tests.Members;

/// <summary>The real host where the paid tier allows 2 team members and 5 API requests a minute (reachable in a test).</summary>
public sealed class TeamsFactory : NextraFactory
{
    public const int PaidApiRequestsPerMinute = 5;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Tiers:Paid:TeamMembers", "2"),
        new("Tiers:Paid:ApiRequestsPerMinute", PaidApiRequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
