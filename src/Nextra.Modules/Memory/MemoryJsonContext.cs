using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Memory;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MemoryUsageResponse))]
internal sealed partial class MemoryJsonContext : JsonSerializerContext;
