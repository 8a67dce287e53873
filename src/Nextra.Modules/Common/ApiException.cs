namespace Nextra.Modules.Common;

/// <summary>
/// A failure the client caused or may see; the Host's exception handler turns it into a
/// ProblemDetails with <see cref="Status"/> and the stable <see cref="Code"/>.
/// </summary>
public class ApiException(int status, string code, string title, string? detail = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>Extra members for the ProblemDetails body (e.g. <c>errors</c>).</summary>
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    public static ApiException NotFound(string what) => new(404, ErrorCodes.NotFound, "Not found", $"{what} was not found.");

    public static ApiException Unauthorized() => new(401, ErrorCodes.Unauthorized, "Unauthorized", "Sign in or send an API key.");

    public static ApiException Forbidden(string detail = "Your role may not do this.") => new(403, ErrorCodes.Forbidden, "Forbidden", detail);

    public static ApiException BadRequest(string code, string detail) => new(400, code, "Bad request", detail);

    public static ApiException Conflict(string detail) => new(409, ErrorCodes.Conflict, "Conflict", detail);
}
