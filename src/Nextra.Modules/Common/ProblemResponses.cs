using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Nextra.Modules.Common;

/// <summary>Writes a ProblemDetails with <c>code</c> from middleware (outside endpoint results).</summary>
public static class ProblemResponses
{
    public static Task WriteAsync(HttpContext context, int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return WriteAsync(context, problem);
    }

    /// <summary>
    /// application/problem+json whatever the request's <c>Accept</c>: the problem details service declines to write
    /// for <c>Accept: text/html</c> or <c>text/event-stream</c>, and an error must never turn into a 500 for that.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(problem);
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            // The result's own fallback: the same JSON options, application/problem+json, no content negotiation.
            problem.Instance ??= context.Request.Path;
            await TypedResults.Problem(problem).ExecuteAsync(context);
        }
    }
}
