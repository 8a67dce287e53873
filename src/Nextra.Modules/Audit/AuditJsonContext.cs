using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Audit;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuditPage))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
