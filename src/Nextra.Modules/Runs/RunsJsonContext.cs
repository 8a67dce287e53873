using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs;

/// <summary>Source-generated JSON for the Runs module's wire shapes and trace columns (AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunView))]
[JsonSerializable(typeof(RunPage))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(List<RunOutput>))]
[JsonSerializable(typeof(RunStep))]
[JsonSerializable(typeof(RecordedInjection))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(LogLine))]
[JsonSerializable(typeof(IReadOnlyList<LogLine>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
public sealed partial class RunsJsonContext : JsonSerializerContext;
