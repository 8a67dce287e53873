namespace Nextra.Modules.Alerts;

/// <summary>The mail server e-mail alert channels send through (section <c>Smtp</c>, TOML <c>[smtp]</c>).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>Empty: e-mail channels cannot be created.</summary>
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public string From { get; set; } = "nextra@localhost";
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    /// <summary>STARTTLS (required when true).</summary>
    public bool EnableSsl { get; set; } = true;
}
