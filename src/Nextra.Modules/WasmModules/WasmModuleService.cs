using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Engine;
using Nextra.Modules.Flows;
using Nextra.Modules.Tiers;
using Nextra.Modules.WasmModules.Stores;
using Nextra.Pump.Wasm;
using Nextra.Pump.Wasm.AssemblyScript;

namespace Nextra.Modules.WasmModules;

/// <summary>
/// The tenant's module registry: upload (compiled and import-checked before it is stored),
/// list, delete (refused while a flow uses the module) and AssemblyScript builds. Running flows and the validator read
/// the registry through <see cref="ITenantModuleSources"/> instead.
/// </summary>
public sealed partial class WasmModuleService : IWasmModuleCode
{
    private static readonly string[] Kinds = ["wasm", "wat", "assemblyscript"];
    private readonly IWasmModuleStore _store;
    private readonly WasmRuntime _runtime;
    private readonly AscCompiler _compiler;
    private readonly IFlowLibrary _flows;
    private readonly WasmModulesOptions _options;
    private readonly SemaphoreSlim _insertGate = new(1, 1);
    private readonly TimeProvider _time;
    private readonly ITierLimits _tiers;

    internal WasmModuleService(IWasmModuleStore store, WasmRuntime runtime, AscCompiler compiler, IFlowLibrary flows,
        IOptions<WasmModulesOptions> options, TimeProvider time, ITierLimits? tiers = null)
    {
        _tiers = tiers ?? ConfiguredTiers.From(new TiersOptions());
        _store = store;
        _runtime = runtime;
        _compiler = compiler;
        _flows = flows;
        _options = options.Value;
        _time = time;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex ValidName();

    public async Task<ModuleResponse[]> ListAsync(string tenantId, CancellationToken ct) =>
        (await _store.ListAsync(tenantId, ct)).Select(ToResponse).ToArray();

    public async Task<ModuleResponse> UploadAsync(string tenantId, string? userEmail, UploadModuleRequest request, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (!ValidName().IsMatch(name))
            throw Invalid("name", "A module name is 1-64 characters: lower-case letters, digits, '-' and '_', starting with a letter or digit.");
        await CheckModuleQuotaAsync(tenantId, name, ct);
        var kind = request.Kind?.Trim().ToLowerInvariant() ?? "";
        if (!Kinds.Contains(kind))
            throw Invalid("kind", "kind is one of: wasm, wat, assemblyscript.");
        byte[] content;
        try
        {
            content = kind == "wasm" ? Convert.FromBase64String(request.Content ?? "") : Encoding.UTF8.GetBytes(request.Content ?? "");
        }
        catch (FormatException)
        {
            throw Invalid("content", "For kind wasm, content is the module's bytes in base64.");
        }
        if (content.Length == 0)
            throw Invalid("content", "content is empty.");
        if (content.Length > _options.MaxModuleBytes)
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, "Module too large", $"A module may be at most {_options.MaxModuleBytes} bytes.");

        byte[]? built = null;
        WasmCode code;
        if (kind == "assemblyscript")
        {
            var build = await _compiler.BuildAsync(Encoding.UTF8.GetString(content), ct);
            if (!build.Success)
                throw CompileFailed(ToErrors(build));
            built = build.Wasm;
            code = WasmCode.FromBinary(name, built!);
        }
        else
        {
            code = kind == "wasm" ? WasmCode.FromBinary(name, content) : WasmCode.FromText(name, Encoding.UTF8.GetString(content));
        }
        // Compile and check now, so a bad module never reaches a flow: unknown imports are refused
        // here; whether a flow grants the capabilities is checked when the flow is validated.
        var problems = CheckCode(code);
        if (problems.Length > 0)
            throw CompileFailed(problems);

        // Check again and insert under one lock: two uploads of new names at once must not both fit in the last slot.
        await _insertGate.WaitAsync(ct);
        WasmModuleRow? row;
        try
        {
            await CheckModuleQuotaAsync(tenantId, name, ct);
            row = await InsertAsync();
        }
        finally
        {
            _insertGate.Release();
        }
        return row is null
            ? throw new ApiException(409, "module_quota", "Module quota reached", $"A tenant may keep at most {_options.MaxModulesPerTenant} module versions; delete unused ones first.")
            : ToResponse(row);

        Task<WasmModuleRow?> InsertAsync() =>
            _store.InsertAsync(new WasmModuleRow
            {
                Id = "mod_" + Guid.NewGuid().ToString("N"),
                TenantId = tenantId,
                Name = name,
                Kind = kind,
                Content = content,
                Wasm = built,
                Wit = string.IsNullOrWhiteSpace(request.Wit) ? null : request.Wit,
                Size = content.Length,
                CreatedAt = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                CreatedBy = userEmail,
            }, _options.MaxModulesPerTenant, ct);
    }

    /// <summary>
    /// The tier's <c>wasm_modules</c> counts distinct module names: a new version of a module the tenant
    /// has is always accepted (bounded by <see cref="WasmModulesOptions.MaxModulesPerTenant"/> versions); a new name needs room.
    /// </summary>
    private async Task CheckModuleQuotaAsync(string tenantId, string name, CancellationToken ct)
    {
        var tier = await _tiers.ForTenantAsync(tenantId, ct);
        if (tier.WasmModules is not { } max)
            return;
        var names = (await _store.ListAsync(tenantId, ct)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (max == 0 || (!names.Contains(name) && names.Count >= max))
            throw Quota.Modules(tier, _tiers.Options);
    }

    public async Task DeleteAsync(string tenantId, string id, CancellationToken ct)
    {
        var row = await _store.GetAsync(tenantId, id, ct) ?? throw ApiException.NotFound("Module");
        var latest = (await _store.ListAsync(tenantId, ct)).Where(r => r.Name == row.Name).Select(r => r.Version).OrderBy(v => v, WasmVersionOrder.Instance).Last();
        var users = (await _flows.ListAsync(tenantId, ct))
            .Where(f => ModuleReferences.Find(f.OrganismYaml).Any(r => r.Name == row.Name && (r.Version == row.Version || (r.Version is null && latest == row.Version))))
            .Select(f => f.Name)
            .ToArray();
        if (users.Length > 0)
        {
            var ex = new ApiException(409, "module_in_use", "Module in use", $"Module {row.Name}@{row.Version} is used by: {string.Join(", ", users)}.");
            ex.Extensions["flows"] = users;
            throw ex;
        }
        if (!await _store.DeleteAsync(tenantId, id, ct))
            throw ApiException.NotFound("Module");
    }

    public async Task<BuildModuleResponse> BuildAsync(string tenantId, string? source, CancellationToken ct)
    {
        var tier = await _tiers.ForTenantAsync(tenantId, ct);
        if (!tier.AllowsCode)
            throw Quota.Modules(tier, _tiers.Options);
        if (string.IsNullOrWhiteSpace(source))
            throw Invalid("source", "source is empty.");
        var build = await _compiler.BuildAsync(source, ct);
        if (!build.Success)
            return new BuildModuleResponse(false, ToErrors(build));
        var problems = CheckCode(WasmCode.FromBinary("build", build.Wasm!));
        return new BuildModuleResponse(problems.Length == 0, problems);
    }

    /// <summary>The runnable code of one module version (format <c>wasm</c> or <c>wat</c>), or null; scoped to the tenant.</summary>
    public async Task<ModuleCode?> GetCodeAsync(string tenantId, string id, CancellationToken ct)
    {
        if (await _store.GetAsync(tenantId, id, ct) is not { } meta)
            return null;
        var row = (await _store.GetCodeAsync(tenantId, [meta.Name], ct)).FirstOrDefault(r => r.Id == id);
        return row is null ? null : row.Kind switch
        {
            "wat" => new ModuleCode(row.Name, row.Version, "wat", row.Content!),
            "assemblyscript" => new ModuleCode(row.Name, row.Version, "wasm", row.Wasm!),
            _ => new ModuleCode(row.Name, row.Version, "wasm", row.Content!),
        };
    }

    private ModuleError[] CheckCode(WasmCode code)
    {
        try
        {
            var module = _runtime.Compile(code);
            return module.CheckImports(WasmCapabilities.Log | WasmCapabilities.Kv | WasmCapabilities.Http)
                .Select(p => new ModuleError(0, 0, p)).ToArray();
        }
        catch (WasmModuleException ex)
        {
            return [new ModuleError(0, 0, ex.Message)];
        }
    }

    private static ModuleError[] ToErrors(AscBuildResult build) => build.Diagnostics
        .Where(d => d.Severity == "error")
        .Select(d => new ModuleError(d.Line, d.Column, d.File is "" or "module.ts" ? d.Message : $"{d.File}: {d.Message}"))
        .DefaultIfEmpty(new ModuleError(0, 0, build.Summary))
        .ToArray();

    private static ApiException CompileFailed(ModuleError[] errors)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Module rejected", errors[0].Message);
        ex.Extensions["errors"] = errors;
        return ex;
    }

    private static ApiException Invalid(string field, string message)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Invalid module", message);
        ex.Extensions["errors"] = new[] { new FieldError(field, ErrorCodes.ValidationFailed, message) };
        return ex;
    }

    private static ModuleResponse ToResponse(WasmModuleRow r) => new(r.Id, r.Name, r.Version, r.Kind, r.Size,
        DateTimeOffset.Parse(r.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), r.Wit);
}
