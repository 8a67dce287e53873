namespace Nextra.Modules.Accounts;

/// <summary>
/// The one-time token of the first-start setup link. Held in memory: it only matters while the
/// data dir has no user, and a restart simply prints a new link.
/// </summary>
internal sealed class SetupTokens
{
    private readonly Lock _gate = new();
    private string? _current;

    /// <summary>Makes (or replaces) the token and returns it.</summary>
    public string Issue()
    {
        var token = Tokens.Random(24);
        lock (_gate)
        {
            _current = token;
        }
        return token;
    }

    /// <summary>True once for the current token; later calls and other tokens get false.</summary>
    public bool TryConsume(string? token)
    {
        lock (_gate)
        {
            if (_current is null || token is null || !Tokens.FixedTimeEquals(_current, token))
            {
                return false;
            }
            _current = null;
            return true;
        }
    }
}
