using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Secrets;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SecretListItem[]))]
[JsonSerializable(typeof(PutSecretRequest))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
