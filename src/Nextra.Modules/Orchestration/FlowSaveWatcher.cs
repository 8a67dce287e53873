using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Hot reload without touching the Flows module: after a successful save of a flow (PUT, version
/// restore) the running flow reloads; after a delete it stops. The reload report goes to the
/// flow's log and live events. If the Flows module calls <see cref="IFlowSavedHook"/> itself (to
/// put the report in its response) it sets <see cref="HandledKey"/> and this stays out of the way.
/// </summary>
internal sealed class FlowSaveWatcher(RequestDelegate next, IFlowSavedHook hook, ILogger<FlowSaveWatcher> logger)
{
    public const string HandledKey = "nextra.flowSaveHandled";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context).ConfigureAwait(false);
        var request = context.Request;
        if (context.Response.StatusCode is < 200 or >= 300 || context.Items.ContainsKey(HandledKey)) return;
        var segments = request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        // api/flows/{id}  or  api/flows/{id}/versions/{n}/restore
        if (segments.Length < 3 || segments[0] != "api" || segments[1] != "flows") return;
        var flowId = segments[2];
        var save = (HttpMethods.IsPut(request.Method) && segments.Length == 3)
            || (HttpMethods.IsPost(request.Method) && segments.Length == 6 && segments[3] == "versions" && segments[5] == "restore");
        var delete = HttpMethods.IsDelete(request.Method) && segments.Length == 3;
        try
        {
            if (save) await hook.FlowSavedAsync(flowId, CancellationToken.None).ConfigureAwait(false);
            else if (delete) await hook.FlowDeletedAsync(flowId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reload after saving flow {FlowId} failed", flowId);
        }
    }
}
