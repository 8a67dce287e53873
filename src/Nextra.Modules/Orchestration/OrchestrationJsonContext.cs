using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Orchestration;

/// <summary>Source-generated JSON for the orchestration API (AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(KeepAliveRequest))]
[JsonSerializable(typeof(FlowStatusView))]
[JsonSerializable(typeof(ReloadReport))]
internal sealed partial class OrchestrationJsonContext : JsonSerializerContext;
