using Nextra.Modules.Common;

namespace Nextra.Host.Hosting;

/// <summary>Default <c>code</c> for ProblemDetails produced without one (status code pages, framework results).</summary>
internal static class ProblemCodes
{
    public static string ForStatus(int? status) => status switch
    {
        400 => ErrorCodes.BadRequest,
        401 => ErrorCodes.Unauthorized,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        409 => ErrorCodes.Conflict,
        413 => ErrorCodes.PayloadTooLarge,
        415 => ErrorCodes.UnsupportedMediaType,
        422 => ErrorCodes.ValidationFailed,
        _ => status >= 500 ? ErrorCodes.InternalError : ErrorCodes.BadRequest,
    };
}
