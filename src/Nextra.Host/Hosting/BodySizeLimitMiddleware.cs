using Nextra.Modules.Common;

namespace Nextra.Host.Hosting;

/// <summary>
/// Rejects a declared Content-Length over the limit before any handler reads the body. Kestrel's own
/// MaxRequestBodySize still guards chunked bodies (its 413 reaches <see cref="ApiExceptionHandler"/>).
/// </summary>
internal sealed class BodySizeLimitMiddleware(RequestDelegate next, long maxBytes)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length && length > maxBytes)
        {
            return ProblemResponses.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, "Payload too large",
                $"The request body is {length} bytes; the limit is {maxBytes}.");
        }
        return next(context);
    }
}
