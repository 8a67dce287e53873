namespace Nextra.Modules.Sso;

/// <summary><c>[clerk]</c>: the user-sync webhook of a hosted deployment.</summary>
public sealed class ClerkOptions
{
    public const string Section = "Clerk";

    /// <summary>The endpoint's signing secret from Clerk's dashboard, <c>whsec_…</c>; empty = the webhook answers 404.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>How far <c>svix-timestamp</c> may be from now, either way.</summary>
    public int ToleranceSeconds { get; set; } = 300;
}
