using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Nextra.Modules.Engine;
using Nextra.Pump.Net;

namespace Nextra.Modules.Sso.Oidc;

/// <summary>What a valid ID token says about the person.</summary>
internal sealed record OidcIdentity(string Subject, string Email, IReadOnlyList<string> Groups);

/// <summary>
/// The relying-party side of OpenID Connect: discovery and JWKS (cached per authority for a few minutes: a cache of the
/// provider's public documents, not state another instance must see), the code exchange with PKCE, and the ID token
/// check. The token is validated with Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/> directly rather than
/// the ASP.NET Core OpenIdConnect handler: providers come from tenants' settings at run time (a handler's schemes are
/// fixed at start), sessions are Nextra's own, and the handler's options binding is not AOT-clean; the token library is.
/// </summary>
internal sealed class OidcClient(EngineSettings engine, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384];

    private readonly ConcurrentDictionary<string, (OidcDiscoveryDocument Doc, JsonWebKeySet Keys, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);
    private readonly HttpClient _operator = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(15) };
    private readonly Lazy<HttpClient> _guarded = new(() => EgressHttp.CreateClient(engine.Egress));

    private HttpClient Http(OidcProvider p) => p.Guarded ? _guarded.Value : _operator;

    public async Task<OidcDiscoveryDocument> DiscoverAsync(OidcProvider provider, CancellationToken ct) =>
        (await MetadataAsync(provider, refresh: false, ct)).Doc;

    /// <summary>Exchanges the code (with the PKCE verifier) and validates the ID token before reading any claim of it.</summary>
    public async Task<OidcIdentity> RedeemAsync(OidcProvider provider, string code, string codeVerifier, string redirectUri, string nonce, CancellationToken ct)
    {
        var (doc, _, _) = await MetadataAsync(provider, refresh: false, ct);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = codeVerifier,
            ["client_id"] = provider.ClientId,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, doc.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        if (provider.ClientSecret.Length > 0)
        {
            // client_secret_basic unless the provider lists only client_secret_post.
            var methods = doc.TokenEndpointAuthMethodsSupported;
            if (methods is { Count: > 0 } && !methods.Contains("client_secret_basic") && methods.Contains("client_secret_post"))
            {
                form["client_secret"] = provider.ClientSecret;
                request.Content = new FormUrlEncodedContent(form);
            }
            else
            {
                var basic = Uri.EscapeDataString(provider.ClientId) + ":" + Uri.EscapeDataString(provider.ClientSecret);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));
            }
        }
        OidcTokenResponse tokens;
        try
        {
            using var response = await Http(provider).SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            tokens = JsonSerializer.Deserialize(body, OidcJsonContext.Default.OidcTokenResponse) ?? new OidcTokenResponse();
            if (!response.IsSuccessStatusCode || tokens.Error is not null)
            {
                throw new SsoException("token_exchange_failed",
                    $"The provider refused the code: {tokens.Error ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)} {tokens.ErrorDescription}".Trim());
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or EgressException)
        {
            throw new SsoException("provider_unreachable", $"The token endpoint of '{provider.Name}' did not answer: {ex.Message}", ex);
        }
        if (string.IsNullOrEmpty(tokens.IdToken))
        {
            throw new SsoException("token_invalid", "The provider sent no ID token (is the openid scope requested?).");
        }
        return await ValidateIdTokenAsync(provider, tokens.IdToken, nonce, ct);
    }

    /// <summary>Signature (against the provider's JWKS), issuer, audience, lifetime and nonce; then the claims.</summary>
    public async Task<OidcIdentity> ValidateIdTokenAsync(OidcProvider provider, string idToken, string nonce, CancellationToken ct)
    {
        var result = await ValidateAsync(provider, idToken, refresh: false, ct);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            result = await ValidateAsync(provider, idToken, refresh: true, ct); // the provider rotated its keys
        }
        if (!result.IsValid)
        {
            var why = result.Exception switch
            {
                SecurityTokenExpiredException => "the ID token has expired",
                SecurityTokenInvalidAudienceException => "the ID token was issued to another client (aud)",
                SecurityTokenInvalidIssuerException => "the ID token's issuer is not the provider's",
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the ID token's signature does not verify against the provider's keys",
                SecurityTokenNotYetValidException => "the ID token is not valid yet",
                _ => "the ID token is not valid: " + result.Exception?.GetType().Name,
            };
            throw new SsoException("token_invalid", $"Sign-in with '{provider.Name}' refused: {why}.", result.Exception);
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        // Several audiences: the authorized party must be us (OIDC Core 3.1.3.7).
        if (jwt.Audiences.Count() > 1 && (!jwt.TryGetPayloadValue<string>("azp", out var azp) || azp != provider.ClientId))
        {
            throw new SsoException("token_invalid", $"Sign-in with '{provider.Name}' refused: the ID token names other audiences without azp.");
        }
        if (!jwt.TryGetPayloadValue<string>("nonce", out var sentNonce) || !Accounts.Tokens.FixedTimeEquals(sentNonce ?? "", nonce))
        {
            throw new SsoException("token_invalid", $"Sign-in with '{provider.Name}' refused: the ID token's nonce is not this sign-in's.");
        }
        var claims = jwt.Claims.ToList();
        var email = claims.FirstOrDefault(c => c.Type == provider.EmailClaim)?.Value;
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new SsoException("email_missing", $"The ID token of '{provider.Name}' has no email in claim '{provider.EmailClaim}' (request the email scope).");
        }
        if (claims.FirstOrDefault(c => c.Type == "email_verified") is { } verified && !string.Equals(verified.Value, "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new SsoException("email_unverified", $"'{provider.Name}' says {email} is not verified; verify it there first.");
        }
        var groups = claims.Where(c => c.Type == provider.GroupsClaim).Select(c => c.Value).ToList();
        return new OidcIdentity(jwt.Subject, email.Trim().ToLowerInvariant(), groups);
    }

    private async Task<TokenValidationResult> ValidateAsync(OidcProvider provider, string idToken, bool refresh, CancellationToken ct)
    {
        var (doc, keys, _) = await MetadataAsync(provider, refresh, ct);
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = doc.Issuer,
            ValidAudience = provider.ClientId,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        return await new JsonWebTokenHandler().ValidateTokenAsync(idToken, parameters);
    }

    private async Task<(OidcDiscoveryDocument Doc, JsonWebKeySet Keys, DateTimeOffset At)> MetadataAsync(OidcProvider provider, bool refresh, CancellationToken ct)
    {
        var key = provider.Authority + "\n" + provider.Guarded;
        if (!refresh && _cache.TryGetValue(key, out var hit) && time.GetUtcNow() - hit.At < CacheFor)
        {
            return hit;
        }
        try
        {
            var http = Http(provider);
            var url = provider.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
            var doc = JsonSerializer.Deserialize(await GetStringAsync(http, url, ct), OidcJsonContext.Default.OidcDiscoveryDocument)
                ?? throw new JsonException("empty discovery document");
            if (doc.Issuer is null || doc.AuthorizationEndpoint is null || doc.TokenEndpoint is null || doc.JwksUri is null)
            {
                throw new SsoException("provider_misconfigured", $"The discovery document at {url} lacks issuer, authorization_endpoint, token_endpoint or jwks_uri.");
            }
            if (!string.Equals(doc.Issuer.TrimEnd('/'), provider.Authority.TrimEnd('/'), StringComparison.Ordinal))
            {
                throw new SsoException("provider_misconfigured", $"The discovery document's issuer {doc.Issuer} is not the authority {provider.Authority}.");
            }
            var keys = new JsonWebKeySet(await GetStringAsync(http, doc.JwksUri, ct));
            var entry = (doc, keys, time.GetUtcNow());
            _cache[key] = entry;
            return entry;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or ArgumentException or EgressException)
        {
            throw new SsoException("provider_unreachable", $"Could not read the OpenID configuration of '{provider.Name}' at {provider.Authority}: {ex.Message}", ex);
        }
    }

    private static async Task<string> GetStringAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(ct);
    }

    public void Dispose()
    {
        _operator.Dispose();
        if (_guarded.IsValueCreated) _guarded.Value.Dispose();
    }
}
