namespace Nextra.Modules.Marketplace.Stores;

/// <summary>
/// Staged auto-updates (R4). Every change is one guarded statement, so several instances may run the same pass: an install
/// moves only from the version it was read at, a rollout is decided only once.
/// </summary>
internal interface IRolloutStore
{
    /// <summary>Every tool install (any tenant) that opted into auto-update.</summary>
    Task<IReadOnlyList<InstallRow>> AutoUpdateInstallsAsync(CancellationToken ct);
    /// <summary>The rollout of that version; inserts <paramref name="candidate"/> when there is none (the first pass wins).</summary>
    Task<RolloutRow> GetOrStartAsync(RolloutRow candidate, CancellationToken ct);
    Task<RolloutRow?> GetAsync(string listingId, string version, CancellationToken ct);
    /// <summary>Moves a rollout out of <c>first</c> to <paramref name="state"/>; false when another pass decided it already.</summary>
    Task<bool> DecideAsync(string listingId, string version, string state, string? detail, string at, CancellationToken ct);
    /// <summary>
    /// Moves the install from <paramref name="from"/> to <paramref name="row"/>'s version, digest and permissions (previous version
    /// kept for rollback) if it is still on <paramref name="from"/> with auto-update on; false otherwise.
    /// </summary>
    Task<bool> MoveInstallAsync(InstallRow row, string from, CancellationToken ct);
    /// <summary>Records <paramref name="version"/> as the install's pending (needs approval) version unless it is already; false when nothing changed.</summary>
    Task<bool> HoldInstallAsync(string installId, string version, string at, CancellationToken ct);
}
