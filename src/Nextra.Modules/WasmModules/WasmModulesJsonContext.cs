using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.WasmModules;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModuleResponse))]
[JsonSerializable(typeof(ModuleResponse[]))]
[JsonSerializable(typeof(UploadModuleRequest))]
[JsonSerializable(typeof(BuildModuleRequest))]
[JsonSerializable(typeof(BuildModuleResponse))]
[JsonSerializable(typeof(ModuleError[]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class WasmModulesJsonContext : JsonSerializerContext;
