using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Accounts.Stores;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.Sso;

/// <summary>The real host with one <c>[[saml.providers]]</c> entry trusting the scripted IdP's certificate.</summary>
public sealed class SamlFactory : NextraFactory, IAsyncLifetime
{
    public const string Tenant = "SAML Corp";
    public const string SpEntityId = "http://localhost/saml/corp/metadata";
    public const string Acs = "http://localhost/saml/corp/acs";

    public ScriptedSamlIdp Idp { get; } = new();

    public async Task InitializeAsync() => await CreateUserAsync(Tenant, Role.Owner, "owner@saml-corp.test");

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Saml:Providers:0:Name", "corp"),
        new("Saml:Providers:0:DisplayName", "Corp SAML"),
        new("Saml:Providers:0:IdpEntityId", ScriptedSamlIdp.EntityId),
        new("Saml:Providers:0:IdpSsoUrl", ScriptedSamlIdp.SsoUrl),
        new("Saml:Providers:0:IdpCertificate", Idp.CertificatePem),
        new("Saml:Providers:0:AutoProvision", "true"),
        new("Saml:Providers:0:DefaultRole", "viewer"),
        new("Saml:Providers:0:GroupRoles:Admins", "admin"),
        new("Saml:Providers:0:Tenant", Tenant),
    ];

    Task IAsyncLifetime.DisposeAsync()
    {
        Idp.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>SP-initiated SAML sign-in; signature wrapping, tampering, foreign keys, audience, recipient, expiry and replay refused.</summary>
public sealed class SamlSignInTests(SamlFactory factory) : IClassFixture<SamlFactory>
{
    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>Starts a sign-in; returns the browser and the AuthnRequest's ID.</summary>
    private async Task<(HttpClient Browser, string RequestId)> StartAsync(string returnUrl = "/flows")
    {
        var browser = Browser();
        var start = await browser.GetAsync("/saml/corp/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(ScriptedSamlIdp.SsoUrl + "?SAMLRequest=", start.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return (browser, ScriptedSamlIdp.RequestId(start.Headers.Location!));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, XmlDocument response) =>
        browser.PostAsync("/saml/corp/acs", new FormUrlEncodedContent([new("SAMLResponse", ScriptedSamlIdp.Encode(response)), new("RelayState", "")]));

    private static bool SetsSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("nextra_session=", StringComparison.Ordinal) && !c.StartsWith("nextra_session=;", StringComparison.Ordinal));

    private async Task AssertRefusedAsync(HttpResponseMessage response, string code, string email)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?sso_error=" + code, response.Headers.Location!.OriginalString);
        Assert.False(SetsSession(response));
        using var scope = factory.Services.CreateScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<IAccountStore>().FindUserByEmailAsync(email, default));
    }

    [Fact]
    public async Task Metadata_DescribesThisServiceProvider()
    {
        var response = await factory.CreateClient().GetAsync("/saml/corp/metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = new XmlDocument();
        xml.LoadXml(await response.Content.ReadAsStringAsync());
        Assert.Equal(SamlFactory.SpEntityId, xml.DocumentElement!.GetAttribute("entityID"));
        var acs = (XmlElement)xml.GetElementsByTagName("AssertionConsumerService", "urn:oasis:names:tc:SAML:2.0:metadata")[0]!;
        Assert.Equal(SamlFactory.Acs, acs.GetAttribute("Location"));
        Assert.Equal("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", acs.GetAttribute("Binding"));
    }

    [Theory]
    [InlineData("assertion")]
    [InlineData("response")]
    public async Task SignedAssertion_ProvisionsAndSignsIn(string signWhat)
    {
        var (browser, id) = await StartAsync();
        var email = $"saml-{signWhat}-{Guid.NewGuid():N}@example.test";

        var response = await PostAsync(browser, factory.Idp.Response(new SamlScript { InResponseTo = id, Email = email, Groups = ["admins"], SignWhat = signWhat }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/flows", response.Headers.Location!.OriginalString);
        var me = await browser.GetFromJsonAsync<JsonObject>("/api/auth/me");
        Assert.Equal(email, me!["email"]!.GetValue<string>());
        Assert.Equal("admin", me["role"]!.GetValue<string>());
        Assert.Equal(SamlFactory.Tenant, me["tenantName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unsigned_Refused()
    {
        var (browser, id) = await StartAsync();
        var email = $"unsigned-{Guid.NewGuid():N}@example.test";
        await AssertRefusedAsync(await PostAsync(browser, factory.Idp.Response(new SamlScript { InResponseTo = id, Email = email, SignWhat = "none" })), "saml_invalid", email);
    }

    [Fact]
    public async Task SignedByAnotherKey_EvenWithItsCertificateInKeyInfo_Refused()
    {
        var (browser, id) = await StartAsync();
        var email = $"otherkey-{Guid.NewGuid():N}@example.test";
        await AssertRefusedAsync(await PostAsync(browser, factory.Idp.Response(new SamlScript { InResponseTo = id, Email = email, SignWithOtherKey = true })), "saml_invalid", email);
    }

    [Fact]
    public async Task TamperedAfterSigning_Refused()
    {
        var (browser, id) = await StartAsync();
        var doc = factory.Idp.Response(new SamlScript { InResponseTo = id, Email = "honest@example.test" });
        var email = $"tampered-{Guid.NewGuid():N}@example.test";
        doc.GetElementsByTagName("NameID", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!.InnerText = email;

        await AssertRefusedAsync(await PostAsync(browser, doc), "saml_invalid", email);
    }

    [Fact]
    public async Task SignatureWrapping_EvilSiblingAssertion_Refused()
    {
        var (browser, id) = await StartAsync();
        var email = $"xsw-sibling-{Guid.NewGuid():N}@example.test";
        var doc = factory.Idp.Response(new SamlScript { InResponseTo = id, Email = "victim@example.test" });
        var signed = (XmlElement)doc.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        var evil = (XmlElement)signed.CloneNode(true);
        evil.SetAttribute("ID", "_evil");
        evil.RemoveChild(evil.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Signature"));
        evil.GetElementsByTagName("NameID", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!.InnerText = email;
        doc.DocumentElement!.InsertBefore(evil, signed); // the evil one first, the signed one still verifies

        await AssertRefusedAsync(await PostAsync(browser, doc), "saml_invalid", email);
    }

    [Fact]
    public async Task SignatureWrapping_SignedAssertionHiddenInsideEvilOne_Refused()
    {
        var (browser, id) = await StartAsync();
        var email = $"xsw-nested-{Guid.NewGuid():N}@example.test";
        var doc = factory.Idp.Response(new SamlScript { InResponseTo = id, Email = "victim@example.test" });
        var signed = (XmlElement)doc.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        var evil = (XmlElement)signed.CloneNode(true);
        evil.SetAttribute("ID", "_evil2");
        var evilSignature = evil.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Signature");
        evil.GetElementsByTagName("NameID", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!.InnerText = email;
        doc.DocumentElement!.ReplaceChild(evil, signed);
        // The original signed assertion travels inside the evil one's Signature/Object, where a lax verifier finds its ID.
        var obj = doc.CreateElement("ds", "Object", "http://www.w3.org/2000/09/xmldsig#");
        obj.AppendChild(signed);
        evilSignature.AppendChild(obj);

        await AssertRefusedAsync(await PostAsync(browser, doc), "saml_invalid", email);
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("recipient")]
    [InlineData("expired")]
    [InlineData("issuer")]
    public async Task WrongConditions_Refused(string what)
    {
        var (browser, id) = await StartAsync();
        var email = $"cond-{what}-{Guid.NewGuid():N}@example.test";
        var script = new SamlScript { InResponseTo = id, Email = email };
        script = what switch
        {
            "audience" => script with { Audience = "https://another-sp.example/metadata" },
            "recipient" => script with { Recipient = "https://another-sp.example/acs" },
            "expired" => script with { ValidFor = TimeSpan.FromMinutes(-10) },
            _ => script with { Issuer = "https://evil-idp.example" },
        };

        await AssertRefusedAsync(await PostAsync(browser, factory.Idp.Response(script)), "saml_invalid", email);
    }

    [Fact]
    public async Task UnknownInResponseTo_Refused()
    {
        var email = $"unsolicited-{Guid.NewGuid():N}@example.test";
        await AssertRefusedAsync(await PostAsync(Browser(), factory.Idp.Response(new SamlScript { InResponseTo = "_never-sent", Email = email })), "invalid_state", email);
    }

    [Fact]
    public async Task SameResponsePostedTwice_SecondRefused()
    {
        var (browser, id) = await StartAsync();
        var doc = factory.Idp.Response(new SamlScript { InResponseTo = id, Email = $"replay-{Guid.NewGuid():N}@example.test" });
        Assert.Equal("/flows", (await PostAsync(browser, doc)).Headers.Location!.OriginalString);

        var again = await PostAsync(Browser(), doc);

        Assert.StartsWith("/login?sso_error=", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(SetsSession(again));
    }

    [Fact]
    public async Task SameAssertionIdForTwoRequests_SecondRefused()
    {
        var assertionId = "_same" + Guid.NewGuid().ToString("N");
        var (first, id1) = await StartAsync();
        var (second, id2) = await StartAsync();
        Assert.Equal("/flows", (await PostAsync(first, factory.Idp.Response(new SamlScript { InResponseTo = id1, AssertionId = assertionId, Email = $"once-{Guid.NewGuid():N}@example.test" }))).Headers.Location!.OriginalString);

        var replay = await PostAsync(second, factory.Idp.Response(new SamlScript { InResponseTo = id2, AssertionId = assertionId, Email = $"twice-{Guid.NewGuid():N}@example.test" }));

        Assert.Equal("/login?sso_error=saml_replay", replay.Headers.Location!.OriginalString);
    }
}
