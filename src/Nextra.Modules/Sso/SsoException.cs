namespace Nextra.Modules.Sso;

/// <summary>Why a sign-in was refused; <see cref="Code"/> goes to the login page as <c>?sso_error=</c>.</summary>
internal sealed class SsoException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
