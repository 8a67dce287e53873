using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts.Stores;

/// <summary>Member invites: single-use, expiring, counted against <c>team_members</c> while open.</summary>
internal interface IInviteStore
{
    /// <summary>Inserts the invite unless members plus open invites already reach <paramref name="maxMembers"/> (false then).</summary>
    Task<bool> InsertAsync(InviteRow invite, long? maxMembers, CancellationToken ct);

    /// <summary>The tenant's open invites at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<InviteRow>> ListOpenAsync(string tenantId, string now, CancellationToken ct);

    Task<bool> RevokeAsync(string tenantId, string id, string at, CancellationToken ct);

    /// <summary>The invite with this token digest, whatever its state (the caller explains why it cannot be used).</summary>
    Task<InviteRow?> FindByTokenAsync(string tokenHash, CancellationToken ct);

    /// <summary>
    /// Uses the invite once: marks it accepted by <paramref name="userId"/> and adds the membership with its role, in
    /// one transaction. False when it was used, revoked or expired meanwhile. An existing membership keeps the higher role.
    /// </summary>
    Task<bool> AcceptAsync(string inviteId, string userId, string now, CancellationToken ct);

    /// <summary>
    /// Creates the user (new email) and accepts the invite for them in one transaction; false as <see cref="AcceptAsync"/>.
    /// Throws 409 when the email is taken.
    /// </summary>
    Task<bool> AcceptAsNewUserAsync(string inviteId, UserRow user, string now, CancellationToken ct);
}
