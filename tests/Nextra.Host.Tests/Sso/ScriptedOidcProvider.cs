using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Nextra.Host.Tests.Sso;

/// <summary>How the next ID token is spoiled (each must be refused by Nextra).</summary>
public enum IdTokenFlaw
{
    None,
    WrongAudience,
    Expired,
    WrongNonce,
    BadSignature,
    EmailNotVerified,
    Unsigned,
}

/// <summary>
/// An OpenID Connect provider on loopback with its own RSA key: discovery, JWKS, authorize (consents at once as
/// <see cref="NextUser"/>), and a token endpoint that checks the client secret, the redirect URI and PKCE (S256)
/// like a real provider, then signs the ID token (or spoils it as <see cref="Flaw"/> says).
/// </summary>
public sealed class ScriptedOidcProvider : IAsyncDisposable
{
    public const string ClientId = "nextra-client";
    public const string ClientSecret = "s3cret-client";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri, string Nonce, OidcUser User)> _codes = new();

    public record OidcUser(string Subject, string Email, string[] Groups);

    public OidcUser NextUser { get; set; } = new("sub-1", "sso.user@example.test", []);

    public IdTokenFlaw Flaw { get; set; }

    public string Url { get; private set; } = "";

    public int TokenRequests;

    public string? LastScope { get; private set; }

    private ScriptedOidcProvider(WebApplication app) => _app = app;

    public static async Task<ScriptedOidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new ScriptedOidcProvider(app);
        provider.MapRoutes();
        await app.StartAsync();
        provider.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return provider;
    }

    private void MapRoutes()
    {
        _app.MapGet("/.well-known/openid-configuration", () => Results.Text($$"""
            {"issuer":"{{Url}}","authorization_endpoint":"{{Url}}/authorize","token_endpoint":"{{Url}}/token","jwks_uri":"{{Url}}/jwks",
             "response_types_supported":["code"],"id_token_signing_alg_values_supported":["RS256"],
             "token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"]}
            """, "application/json"));
        _app.MapGet("/jwks", () =>
        {
            var p = _key.ExportParameters(false);
            return Results.Text($$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"k1","n":"{{B64(p.Modulus!)}}","e":"{{B64(p.Exponent!)}}"}]}""", "application/json");
        });
        _app.MapGet("/authorize", (HttpRequest r) =>
        {
            var q = r.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
                return Results.BadRequest("bad authorize request");
            LastScope = q["scope"];
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = (q["code_challenge"]!, q["redirect_uri"]!, q["nonce"]!, NextUser);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}");
        });
        _app.MapPost("/token", async (HttpRequest r) =>
        {
            Interlocked.Increment(ref TokenRequests);
            var form = await r.ReadFormAsync();
            var auth = r.Headers.Authorization.ToString();
            var expectedBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
            if (auth != expectedBasic && form["client_secret"] != ClientSecret)
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            if (!_codes.TryRemove(form["code"].ToString(), out var grant))
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var verifier = form["code_verifier"].ToString();
            if (B64(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge || form["redirect_uri"] != grant.RedirectUri)
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE or redirect_uri mismatch" }, statusCode: 400);
            return Results.Json(new { access_token = "at", token_type = "Bearer", id_token = IdToken(grant.User, grant.Nonce) });
        });
    }

    private string IdToken(OidcUser user, string nonce)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Subject,
            ["email"] = user.Email,
            ["email_verified"] = Flaw != IdTokenFlaw.EmailNotVerified,
            ["nonce"] = Flaw == IdTokenFlaw.WrongNonce ? "not-the-nonce" : nonce,
            ["groups"] = user.Groups,
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Url,
            Audience = Flaw == IdTokenFlaw.WrongAudience ? "some-other-client" : ClientId,
            IssuedAt = Flaw == IdTokenFlaw.Expired ? now.AddHours(-2) : now,
            NotBefore = Flaw == IdTokenFlaw.Expired ? now.AddHours(-2) : now,
            Expires = Flaw == IdTokenFlaw.Expired ? now.AddHours(-1) : now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = Flaw == IdTokenFlaw.Unsigned ? null : new SigningCredentials(
                new RsaSecurityKey(Flaw == IdTokenFlaw.BadSignature ? _otherKey : _key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static string B64(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
        _otherKey.Dispose();
    }
}
