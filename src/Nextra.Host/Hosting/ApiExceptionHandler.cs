using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Nextra.Modules.Common;

namespace Nextra.Host.Hosting;

/// <summary>
/// The one place exceptions become responses: domain <see cref="ApiException"/>s keep their status and
/// code, body problems become 400/413/415, anything else a 500 without internals.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // The client left; nobody is listening for an answer.
        }
        var problem = exception switch
        {
            ApiException api => Problem(api.Status, api.Code, api.Title, api.Detail ?? api.Message, api.Extensions),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problem(413, ErrorCodes.PayloadTooLarge, "Payload too large", "The request body exceeds the size limit."),
            BadHttpRequestException { InnerException: JsonException json } =>
                Problem(400, ErrorCodes.MalformedJson, "Malformed JSON", json.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } bad =>
                Problem(415, ErrorCodes.UnsupportedMediaType, "Unsupported media type", bad.Message),
            BadHttpRequestException bad => Problem(bad.StatusCode, ErrorCodes.BadRequest, "Bad request", bad.Message),
            JsonException json => Problem(400, ErrorCodes.MalformedJson, "Malformed JSON", json.Message),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problem(500, ErrorCodes.InternalError, "Internal error", "An unexpected error occurred; see the server log.");
        }
        httpContext.Response.StatusCode = problem.Status ?? 500;
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }))
        {
            // Declined (Accept: text/html, text/event-stream…): still answer problem+json rather than let the
            // middleware rethrow, which turned a 404 into a 500 with stack traces in the log.
            await ProblemResponses.WriteAsync(httpContext, problem);
        }
        return true;
    }

    private static ProblemDetails Problem(int status, string code, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }
        problem.Extensions["code"] = code;
        return problem;
    }
}
