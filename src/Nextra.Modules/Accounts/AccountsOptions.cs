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
}
