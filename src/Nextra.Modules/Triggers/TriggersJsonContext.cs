using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Triggers;

/// <summary>Source-generated JSON for the Triggers module's wire shapes (AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunAccepted))]
[JsonSerializable(typeof(TriggerView[]))]
[JsonSerializable(typeof(RotatedUrl))]
[JsonSerializable(typeof(InjectRequest))]
[JsonSerializable(typeof(ReplayStepRequest))]
[JsonSerializable(typeof(int[]))]
internal sealed partial class TriggersJsonContext : JsonSerializerContext;
