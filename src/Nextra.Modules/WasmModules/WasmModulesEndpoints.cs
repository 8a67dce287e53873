using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.WasmModules;

/// <summary>The modules part of docs/api.md, plus the SDK typings for the editor.</summary>
internal static class WasmModulesEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/modules").WithTags("Modules");
        group.MapGet("", ListAsync).WithName("ListModules").WithSummary("The tenant's registered WebAssembly modules, every version.");
        group.MapPost("", UploadAsync).WithName("UploadModule")
            .WithSummary("Register a module (.wasm base64, WAT or AssemblyScript); 422 with {line, column, message} errors when it does not build.");
        group.MapPost("/build", BuildAsync).WithName("BuildModule")
            .WithSummary("Compile AssemblyScript without storing it; errors are located for editor markers.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteModule")
            .WithSummary("Delete a module version; 409 module_in_use naming the flows that use it.");
        app.MapGet("/api/sdk/nextra.d.ts", Sdk).WithTags("Modules")
            .WithName("GetSdkTypings").WithSummary("TypeScript declarations of the AssemblyScript SDK for the editor.")
            .Produces<string>(200, "application/typescript");
    }

    internal static async Task<Ok<ModuleResponse[]>> ListAsync(ICurrentUser user, WasmModuleService modules, CancellationToken ct) =>
        TypedResults.Ok(await modules.ListAsync(user.TenantId, ct));

    internal static async Task<Created<ModuleResponse>> UploadAsync(UploadModuleRequest body, ICurrentUser user, WasmModuleService modules, CancellationToken ct)
    {
        var module = await modules.UploadAsync(user.TenantId, user.Email, body, ct);
        return TypedResults.Created($"/api/modules/{module.Id}", module);
    }

    internal static async Task<Ok<BuildModuleResponse>> BuildAsync(BuildModuleRequest body, ICurrentUser user, WasmModuleService modules, CancellationToken ct) =>
        TypedResults.Ok(await modules.BuildAsync(user.TenantId, body.Source, ct));

    internal static async Task<NoContent> DeleteAsync(string id, ICurrentUser user, WasmModuleService modules, CancellationToken ct)
    {
        await modules.DeleteAsync(user.TenantId, id, ct);
        return TypedResults.NoContent();
    }

    internal static ContentHttpResult Sdk() => TypedResults.Text(NextraSdk.DeclarationText, "application/typescript", System.Text.Encoding.UTF8);
}
