using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Pump.Config;

namespace Nextra.Modules.Flows;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FlowRequest))]
[JsonSerializable(typeof(FlowResponse))]
[JsonSerializable(typeof(FlowListItem[]))]
[JsonSerializable(typeof(ValidateFlowRequest))]
[JsonSerializable(typeof(ValidateFlowResponse))]
[JsonSerializable(typeof(FlowTemplate[]))]
[JsonSerializable(typeof(FlowVersionSummary[]))]
[JsonSerializable(typeof(FlowVersionResponse))]
[JsonSerializable(typeof(ImportFlowRequest))]
[JsonSerializable(typeof(ValidationProblem[]))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class FlowsJsonContext : JsonSerializerContext;
