using Nextra.Modules.Accounts.Stores;

namespace Nextra.Modules.Accounts;

/// <summary>
/// The one-time token of the first-start setup link. Kept (hashed) in the shared database, not in this process's
/// memory, so behind a load balancer a link printed by one instance works when the request lands on another. Each
/// start of a server without users prints a new link; any unexpired one works once, and none once an owner exists.
/// </summary>
internal sealed class SetupTokens(ISetupTokenStore store, TimeProvider time)
{
    /// <summary>How long a printed link stays usable.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>Makes a token, stores its hash, and returns it.</summary>
    public async Task<string> IssueAsync(CancellationToken ct)
    {
        var token = Tokens.Random(24);
        var now = time.GetUtcNow();
        await store.AddAsync(Tokens.Sha256Hex(token), now, now + Lifetime, ct).ConfigureAwait(false);
        return token;
    }

    /// <summary>True once for an issued, unexpired token (on whichever instance); later calls and other tokens get false.</summary>
    public async Task<bool> TryConsumeAsync(string? token, CancellationToken ct) =>
        !string.IsNullOrEmpty(token) && await store.TryConsumeAsync(Tokens.Sha256Hex(token), time.GetUtcNow(), ct).ConfigureAwait(false);
}
