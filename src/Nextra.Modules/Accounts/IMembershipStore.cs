using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

/// <summary>One person's place in one tenant (a row of <c>memberships</c> joined with its user and tenant).</summary>
public sealed record Membership(
    string TenantId, string TenantName, string UserId, string Email, string? Name, Role Role,
    DateTimeOffset JoinedAt, DateTimeOffset? LastSeenAt);

/// <summary>What a membership change did; the store never throws for these.</summary>
public enum MembershipResult
{
    Done,
    /// <summary>No such membership (or, for <see cref="IMembershipStore.AddAsync"/>, no such user or tenant).</summary>
    NotFound,
    /// <summary>Already a member (add): nothing changed.</summary>
    AlreadyMember,
    /// <summary>The change would leave the tenant without an owner.</summary>
    LastOwner,
    /// <summary>The tenant already has <c>maxMembers</c> members plus open invites.</summary>
    QuotaExceeded,
}

/// <summary>
/// Who belongs to which tenant with which role (SQLite and Postgres). Access is decided here: a session or API key
/// works only while its (user, tenant) membership exists. The last owner of a tenant can never be removed or demoted.
/// </summary>
public interface IMembershipStore
{
    /// <summary>
    /// Adds an existing user to an existing tenant. <paramref name="maxMembers"/> (the tier's <c>team_members</c>,
    /// null = unlimited) is checked against members plus open invites under a lock.
    /// </summary>
    Task<MembershipResult> AddAsync(string tenantId, string userId, Role role, DateTimeOffset at, long? maxMembers, CancellationToken ct);

    Task<Membership?> FindAsync(string tenantId, string userId, CancellationToken ct);

    /// <summary>The tenant's members, oldest first.</summary>
    Task<IReadOnlyList<Membership>> ListMembersAsync(string tenantId, CancellationToken ct);

    /// <summary>Every tenant the user belongs to, oldest membership first.</summary>
    Task<IReadOnlyList<Membership>> ListTenantsOfAsync(string userId, CancellationToken ct);

    /// <summary>Changes a role; <see cref="MembershipResult.LastOwner"/> when it would demote the only owner.</summary>
    Task<MembershipResult> SetRoleAsync(string tenantId, string userId, Role role, CancellationToken ct);

    /// <summary>
    /// Removes a member, their sessions in the tenant and their API keys of the tenant;
    /// <see cref="MembershipResult.LastOwner"/> when they are the only owner.
    /// </summary>
    Task<MembershipResult> RemoveAsync(string tenantId, string userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Members plus open (unexpired, unused, unrevoked) invites at <paramref name="at"/>: what <c>team_members</c> counts.</summary>
    Task<long> CountSeatsAsync(string tenantId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Records activity (last seen); cheap to call, callers throttle.</summary>
    Task TouchAsync(string tenantId, string userId, DateTimeOffset at, CancellationToken ct);
}
