using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Runs;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Observability;

/// <summary>Source-generated JSON for live events (hub arguments, a backplane's messages) and log lines.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LiveEvent))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(RunStep))]
[JsonSerializable(typeof(LogLine))]
[JsonSerializable(typeof(IReadOnlyList<LogLine>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
public sealed partial class ObservabilityJsonContext : JsonSerializerContext;
