namespace Nextra.Modules.WasmModules;

/// <summary>A registered module as the API lists it.</summary>
public sealed record ModuleResponse(string Id, string Name, string Version, string Kind, long Size, DateTimeOffset CreatedAt, string? Wit);

/// <summary><c>POST /api/modules</c>: kind is wasm (content base64) | wat | assemblyscript.</summary>
public sealed record UploadModuleRequest(string? Name, string? Kind, string? Content, string? Wit);

public sealed record BuildModuleRequest(string? Source);

public sealed record BuildModuleResponse(bool Ok, ModuleError[] Errors);

/// <summary>A compile or validation error at a 1-based position of the source (0 when not located).</summary>
public sealed record ModuleError(int Line, int Column, string Message);
