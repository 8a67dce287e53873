using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Alerts;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Alert[]))]
[JsonSerializable(typeof(AlertChannel))]
[JsonSerializable(typeof(AlertChannel[]))]
[JsonSerializable(typeof(PutAlertChannelRequest))]
[JsonSerializable(typeof(AlertDelivery[]))]
[JsonSerializable(typeof(AlertWebhookBody))]
[JsonSerializable(typeof(SlackMessage))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext;
