using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace Nextra.Host.Tests.Sso;

/// <summary>What the next response looks like; each spoiled field must be refused.</summary>
public sealed record SamlScript
{
    public string InResponseTo { get; init; } = "";
    public string Email { get; init; } = "saml.user@example.test";
    public string[] Groups { get; init; } = [];
    public string Audience { get; init; } = SamlFactory.SpEntityId;
    public string Recipient { get; init; } = SamlFactory.Acs;
    public string Issuer { get; init; } = ScriptedSamlIdp.EntityId;
    public TimeSpan ValidFor { get; init; } = TimeSpan.FromMinutes(5);
    public string AssertionId { get; init; } = "_a" + Guid.NewGuid().ToString("N");
    /// <summary>assertion (default), response, none</summary>
    public string SignWhat { get; init; } = "assertion";
    public bool SignWithOtherKey { get; init; }
}

/// <summary>
/// A SAML 2.0 identity provider in the test: a self-signed RSA certificate, responses with one assertion signed by
/// .NET's own <see cref="SignedXml"/> (exclusive C14N, enveloped, RSA-SHA256) — the reference implementation the
/// server's own verifier must agree with.
/// </summary>
public sealed class ScriptedSamlIdp : IDisposable
{
    public const string EntityId = "https://idp.example.test/saml";
    public const string SsoUrl = "https://idp.example.test/sso";

    public X509Certificate2 Certificate { get; } = Create("CN=Scripted IdP");
    private readonly X509Certificate2 _other = Create("CN=Someone Else");

    public string CertificatePem => Certificate.ExportCertificatePem();

    private static X509Certificate2 Create(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>The AuthnRequest ID inside a redirect's SAMLRequest.</summary>
    public static string RequestId(Uri redirect)
    {
        var query = redirect.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(query["SAMLRequest"])), CompressionMode.Decompress);
        var xml = new XmlDocument();
        xml.Load(inflate);
        return xml.DocumentElement!.GetAttribute("ID");
    }

    public XmlDocument Response(SamlScript s)
    {
        var now = DateTime.UtcNow;
        string T(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var attributes = string.Concat(s.Groups.Select(g => $"<saml:AttributeValue>{g}</saml:AttributeValue>"));
        var xml = $"""
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{Guid.NewGuid():N}" Version="2.0" IssueInstant="{T(now)}" Destination="{s.Recipient}" InResponseTo="{s.InResponseTo}"><saml:Issuer>{s.Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="{s.AssertionId}" Version="2.0" IssueInstant="{T(now)}"><saml:Issuer>{s.Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{s.Email}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="{s.InResponseTo}" Recipient="{s.Recipient}" NotOnOrAfter="{T(now + s.ValidFor)}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{T(now.AddMinutes(-1) + (s.ValidFor < TimeSpan.Zero ? s.ValidFor : TimeSpan.Zero))}" NotOnOrAfter="{T(now + s.ValidFor)}"><saml:AudienceRestriction><saml:Audience>{s.Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{T(now)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="groups">{attributes}</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>
            """;
        var doc = new XmlDocument { PreserveWhitespace = true };
        doc.LoadXml(xml.Trim());
        var assertion = (XmlElement)doc.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion")[0]!;
        switch (s.SignWhat)
        {
            case "assertion":
                Sign(assertion, s.SignWithOtherKey);
                break;
            case "response":
                Sign(doc.DocumentElement!, s.SignWithOtherKey);
                break;
        }
        return doc;
    }

    /// <summary>An enveloped signature inserted after the element's Issuer, as IdPs place it.</summary>
    public void Sign(XmlElement element, bool otherKey = false)
    {
        var signed = new SignedXml(element) { SigningKey = (otherKey ? _other : Certificate).GetRSAPrivateKey() };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + element.GetAttribute("ID")) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(otherKey ? _other : Certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        var issuer = element.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Issuer");
        element.InsertAfter(element.OwnerDocument.ImportNode(signed.GetXml(), true), issuer);
    }

    public static string Encode(XmlDocument doc) => Convert.ToBase64String(Encoding.UTF8.GetBytes(doc.OuterXml));

    public void Dispose()
    {
        Certificate.Dispose();
        _other.Dispose();
    }
}
