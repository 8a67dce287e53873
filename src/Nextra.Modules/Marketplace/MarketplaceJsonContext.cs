using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nextra.Modules.Marketplace;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListingPage))]
[JsonSerializable(typeof(ListingDetail))]
[JsonSerializable(typeof(PublishRequest))]
[JsonSerializable(typeof(PublishAccepted))]
[JsonSerializable(typeof(PackageManifest))]
[JsonSerializable(typeof(SubmissionResponse))]
[JsonSerializable(typeof(SubmissionCheck[]))]
[JsonSerializable(typeof(InstallRequest))]
[JsonSerializable(typeof(InstallPatch))]
[JsonSerializable(typeof(InstallResponse))]
[JsonSerializable(typeof(InstallResponse[]))]
[JsonSerializable(typeof(UseTemplateRequest))]
[JsonSerializable(typeof(VoteRequest))]
[JsonSerializable(typeof(VoteResponse))]
[JsonSerializable(typeof(PublisherResponse))]
[JsonSerializable(typeof(PublisherRequest))]
[JsonSerializable(typeof(ToolPermissions))]
[JsonSerializable(typeof(TemplateManifest))]
[JsonSerializable(typeof(TemplateFinding[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class MarketplaceJsonContext : JsonSerializerContext;
