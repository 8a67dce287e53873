using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Tiers;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UsageResponse))]
[JsonSerializable(typeof(IReadOnlyList<UsageMonth>))]
[JsonSerializable(typeof(UsageLedgerPage))]
internal sealed partial class TiersJsonContext : JsonSerializerContext;
