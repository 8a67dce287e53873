namespace Nextra.Modules.Common;

/// <summary>The stable <c>code</c> values of ProblemDetails bodies (docs/api.md).</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string NotFound = "not_found";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string PayloadTooLarge = "payload_too_large";
    public const string MalformedJson = "malformed_json";
    public const string Conflict = "conflict";
    public const string InvalidCredentials = "invalid_credentials";
    public const string BadRequest = "bad_request";
    public const string CsrfFailed = "csrf_failed";
    public const string SetupDone = "setup_done";
    public const string InvalidSetupToken = "invalid_setup_token";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InternalError = "internal_error";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string RateLimited = "rate_limited";
    public const string LastOwner = "last_owner";
    public const string InviteInvalid = "invite_invalid";
    public const string InviteEmailMismatch = "invite_email_mismatch";
    public const string SignupClosed = "signup_closed";
}
