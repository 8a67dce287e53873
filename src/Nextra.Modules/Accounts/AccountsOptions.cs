namespace Nextra.Modules.Accounts;

/// <summary>Accounts settings, config section <c>Accounts</c>.</summary>
public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP 2023: 600 000). Tests lower it.</summary>
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>Shortest password accepted.</summary>
    public int MinPasswordLength { get; set; } = 8;

    /// <summary>Lifetime of a browser session.</summary>
    public int SessionDays { get; set; } = 14;

    /// <summary>Login and setup attempts allowed per client address per minute.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;

    /// <summary>Mark cookies Secure even on plain HTTP (behind a TLS-terminating proxy). HTTPS requests always get Secure.</summary>
    public bool SecureCookies { get; set; }

    /// <summary>Days an invite link stays usable (<c>invite_days</c>).</summary>
    public int InviteDays { get; set; } = 7;

    /// <summary><c>closed</c> (default): people join by invite or the CLI; <c>open</c>: anyone may sign up and gets a personal tenant on <c>default_tier</c>.</summary>
    public string Signup { get; set; } = "closed";

    public bool SignupOpen => string.Equals(Signup?.Trim(), "open", StringComparison.OrdinalIgnoreCase);
}
