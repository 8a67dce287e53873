using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Common;

namespace Nextra.Host.Hosting;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(FieldError[]))]
[JsonSerializable(typeof(LocatedError[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
