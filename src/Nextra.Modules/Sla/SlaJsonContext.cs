using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Sla;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SlaReport))]
internal sealed partial class SlaJsonContext : JsonSerializerContext;
