namespace Nextra.Modules.Marketplace;

/// <summary>Config section <c>[marketplace]</c>.</summary>
public sealed class MarketplaceOptions
{
    public const string Section = "Marketplace";

    /// <summary><c>auto</c> (self-hosted default): passing automated checks publishes; <c>manual</c>: an operator decides with <c>nextra marketplace review</c>.</summary>
    public string Review { get; set; } = "auto";

    /// <summary>Extra countersigning keys trusted for installs (other servers, an organisation): base64 Ed25519 public keys.</summary>
    public string[] TrustedKeys { get; set; } = [];

    /// <summary>
    /// Revoked keys, digests and versions, for offline and organisation use (beside <c>nextra marketplace revoke</c>):
    /// <c>key:KEYID</c>, <c>sha256:DIGEST</c> or <c>publisher/name@VERSION</c> (<c>@*</c> for every version). A match refuses the
    /// install and every load (<c>key_revoked</c> / <c>tool_revoked</c>).
    /// </summary>
    public string[] Revoked { get; set; } = [];

    /// <summary>Seed the built-in <c>nextra</c> starter catalogue at start (idempotent).</summary>
    public bool Starter { get; set; } = true;

    /// <summary>
    /// <c>min_voter_age_days</c>: a vote from a tenant younger than this is held (not in votesUp / votesDown, its review shown
    /// only to its author) until the tenant is that old (R7; 0 counts every vote at once).
    /// </summary>
    public int MinVoterAgeDays { get; set; } = 7;

    /// <summary>
    /// <c>staged_update_hours</c>: an auto-update reaches the first 10% of installing tenants (by a hash of tenant and listing) at
    /// once and the rest this many hours later, unless the first stage's failure rate rose (R4).
    /// </summary>
    public double StagedUpdateHours { get; set; } = 24;

    /// <summary>
    /// <c>staged_update_failure_rise</c>: the rollout halts when the share of failed runs of the first stage's flows that use the
    /// tool, since they moved, exceeds their share in the same length of time before by more than this (0.10 = 10 points).
    /// </summary>
    public double StagedUpdateFailureRise { get; set; } = 0.10;

    /// <summary><c>staged_update_min_runs</c>: finished runs the first stage needs since the move before its failure rate can halt a rollout.</summary>
    public int StagedUpdateMinRuns { get; set; } = 10;

    /// <summary>Largest tool module (bytes).</summary>
    public int MaxToolBytes { get; set; } = 10 << 20;
}
