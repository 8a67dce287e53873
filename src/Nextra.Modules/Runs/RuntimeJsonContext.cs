using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Triggers;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Runs;

/// <summary>Source-generated JSON for the run-time modules' wire shapes and trace columns (AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunView))]
[JsonSerializable(typeof(RunPage))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(RunAccepted))]
[JsonSerializable(typeof(List<RunOutput>))]
[JsonSerializable(typeof(RunStep))]
[JsonSerializable(typeof(RecordedInjection))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(LogLine))]
[JsonSerializable(typeof(IReadOnlyList<LogLine>))]
[JsonSerializable(typeof(TriggerView[]))]
[JsonSerializable(typeof(RotatedUrl))]
[JsonSerializable(typeof(InjectRequest))]
[JsonSerializable(typeof(KeepAliveRequest))]
[JsonSerializable(typeof(FlowStatusView))]
[JsonSerializable(typeof(ReloadReport))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
