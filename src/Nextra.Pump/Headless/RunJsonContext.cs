using System.Text.Json.Serialization;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Headless;

/// <summary>Source-generated camelCase JSON for the run object (AOT friendly).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunRecord))]
public sealed partial class RunJsonContext : JsonSerializerContext;
