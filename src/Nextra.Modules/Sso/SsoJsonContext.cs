using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Sso.Clerk;
using Nextra.Modules.Sso.Oidc;

namespace Nextra.Modules.Sso;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SsoProviderInfo[]))]
[JsonSerializable(typeof(SsoSettingsResponse))]
[JsonSerializable(typeof(PutSsoSettingsRequest))]
[JsonSerializable(typeof(PutSsoProviderRequest))]
[JsonSerializable(typeof(SsoProviderView))]
[JsonSerializable(typeof(TenantProviderSettings))]
[JsonSerializable(typeof(ClerkWebhookResponse))]
internal sealed partial class SsoJsonContext : JsonSerializerContext;

/// <summary>The provider's own documents, snake_case as OpenID Connect writes them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OidcDiscoveryDocument))]
[JsonSerializable(typeof(OidcTokenResponse))]
internal sealed partial class OidcJsonContext : JsonSerializerContext;
