using System.Globalization;
using System.Text;
using System.Xml;

namespace Nextra.Modules.Sso.Saml;

/// <summary>What a verified assertion says.</summary>
internal sealed record SamlAssertion(string Id, string Issuer, string NameId, string Email, IReadOnlyList<string> Groups, string InResponseTo, DateTimeOffset NotOnOrAfter);

/// <summary>
/// Checks a SAMLResponse from the POST binding before trusting any of it: one Assertion in the whole document (so a
/// wrapped copy cannot sit beside the signed one), unique IDs, a signature over that very assertion (or over the Response
/// that directly contains it) by the IdP's certificate, then issuer, audience, recipient, NotBefore/NotOnOrAfter with a
/// small skew and InResponseTo. Every value is read from the element whose signature was verified, never looked up again.
/// </summary>
internal static class SamlResponseValidator
{
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);
    private const int MaxBytes = 256 * 1024;

    private static readonly string[] EmailAttributes =
        ["email", "mail", "emailaddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"];

    public static SamlAssertion Validate(string? samlResponse, SamlProvider provider, string acsUrl, string spEntityId, DateTimeOffset now)
    {
        var doc = Load(samlResponse);
        var response = doc.DocumentElement;
        if (response is null || response.LocalName != "Response" || response.NamespaceURI != SamlNames.Protocol)
            throw Invalid("the document is not a SAML Response");
        var status = Child(Child(response, "Status", SamlNames.Protocol), "StatusCode", SamlNames.Protocol)?.GetAttribute("Value");
        if (status != SamlNames.Success)
            throw new SsoException("provider_error", $"The IdP answered status {status ?? "(none)"}.");
        if (doc.GetElementsByTagName("EncryptedAssertion", SamlNames.Assertion).Count > 0)
            throw Invalid("encrypted assertions are not supported; turn assertion encryption off for this service provider");
        var assertions = doc.GetElementsByTagName("Assertion", SamlNames.Assertion).OfType<XmlElement>().ToList();
        if (assertions.Count != 1 || !ReferenceEquals(assertions[0].ParentNode, response))
            throw Invalid("the response must carry exactly one Assertion, directly inside it (signature wrapping refused)");
        var assertion = assertions[0];
        RequireUniqueIds(doc);

        // The signature must cover the assertion used: its own, or the Response's (which contains it).
        var signedBy = Signature(assertion) is { } own ? (Element: assertion, Signature: own)
            : Signature(response) is { } outer ? (Element: response, Signature: outer)
            : throw Invalid("the assertion is not signed");
        var why = SamlSignature.Verify(signedBy.Element, signedBy.Signature, provider.Certificates);
        if (why is not null) throw Invalid(why);

        var issuer = Child(assertion, "Issuer", SamlNames.Assertion)?.InnerText.Trim();
        if (issuer != provider.IdpEntityId) throw Invalid($"the assertion's issuer '{issuer}' is not the IdP '{provider.IdpEntityId}'");
        var destination = response.GetAttribute("Destination");
        if (destination.Length > 0 && destination != acsUrl) throw Invalid("the response was sent to another Destination");

        var conditions = Child(assertion, "Conditions", SamlNames.Assertion) ?? throw Invalid("the assertion has no Conditions");
        var notBefore = Time(conditions, "NotBefore");
        var notOnOrAfter = Time(conditions, "NotOnOrAfter") ?? throw Invalid("the assertion has no NotOnOrAfter");
        if (notBefore is { } nb && now + Skew < nb) throw Invalid("the assertion is not valid yet (NotBefore)");
        if (now - Skew >= notOnOrAfter) throw Invalid("the assertion has expired (NotOnOrAfter)");
        var audiences = conditions.GetElementsByTagName("Audience", SamlNames.Assertion).OfType<XmlElement>().Select(a => a.InnerText.Trim()).ToList();
        if (!audiences.Contains(spEntityId)) throw Invalid($"the assertion's audience is not this service provider ({spEntityId})");

        var subject = Child(assertion, "Subject", SamlNames.Assertion) ?? throw Invalid("the assertion has no Subject");
        var nameId = Child(subject, "NameID", SamlNames.Assertion)?.InnerText.Trim();
        if (string.IsNullOrEmpty(nameId)) throw Invalid("the assertion has no NameID");
        var confirmation = SamlSignature.Children(subject, "SubjectConfirmation", SamlNames.Assertion)
            .Where(c => c.GetAttribute("Method") == SamlNames.Bearer)
            .Select(c => Child(c, "SubjectConfirmationData", SamlNames.Assertion))
            .FirstOrDefault(d => d is not null) ?? throw Invalid("the assertion has no bearer SubjectConfirmationData");
        if (confirmation.GetAttribute("Recipient") != acsUrl) throw Invalid($"the assertion's Recipient is not {acsUrl}");
        var confirmBy = Time(confirmation, "NotOnOrAfter") ?? throw Invalid("SubjectConfirmationData has no NotOnOrAfter");
        if (now - Skew >= confirmBy) throw Invalid("the subject confirmation has expired");
        var inResponseTo = confirmation.GetAttribute("InResponseTo");
        if (inResponseTo.Length == 0) throw Invalid("IdP-initiated sign-in is not accepted: start from Nextra's login page");
        if (response.GetAttribute("InResponseTo") is { Length: > 0 } r && r != inResponseTo) throw Invalid("InResponseTo differs between response and assertion");

        var attributes = assertion.GetElementsByTagName("Attribute", SamlNames.Assertion).OfType<XmlElement>()
            .Where(a => ReferenceEquals(a.ParentNode?.ParentNode, assertion)).ToList();
        var email = Email(provider, nameId, attributes) ?? throw new SsoException("email_missing", "The assertion carries no email (NameID or an email attribute).");
        var groups = Values(attributes, provider.GroupsAttribute).ToList();
        var id = assertion.GetAttribute("ID");
        if (id.Length == 0) throw Invalid("the assertion has no ID");
        return new SamlAssertion(id, issuer!, nameId, email, groups, inResponseTo, notOnOrAfter < confirmBy ? confirmBy : notOnOrAfter);
    }

    private static XmlDocument Load(string? samlResponse)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(samlResponse ?? "");
        }
        catch (FormatException)
        {
            throw Invalid("SAMLResponse is not base64");
        }
        if (bytes.Length == 0 || bytes.Length > MaxBytes) throw Invalid("SAMLResponse is empty or too large");
        var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxBytes * 2 };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            doc.Load(reader);
        }
        catch (XmlException ex)
        {
            throw Invalid("SAMLResponse is not well-formed XML: " + ex.Message);
        }
        return doc;
    }

    private static void RequireUniqueIds(XmlDocument doc)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in doc.GetElementsByTagName("*").OfType<XmlElement>())
        {
            foreach (var name in new[] { "ID", "Id", "id" })
            {
                if (element.GetAttributeNode(name) is { } a && !seen.Add(a.Value)) throw Invalid("two elements share one ID (signature wrapping refused)");
            }
        }
    }

    private static XmlElement? Signature(XmlElement element)
    {
        var signatures = SamlSignature.Children(element, "Signature").ToList();
        return signatures.Count switch
        {
            0 => null,
            1 => signatures[0],
            _ => throw Invalid("more than one signature on one element"),
        };
    }

    private static string? Email(SamlProvider provider, string nameId, List<XmlElement> attributes)
    {
        var candidates = provider.EmailAttribute.Length > 0
            ? Values(attributes, provider.EmailAttribute)
            : (nameId.Contains('@', StringComparison.Ordinal) ? [nameId] : EmailAttributes.SelectMany(n => Values(attributes, n)));
        return candidates.Select(e => e.Trim()).FirstOrDefault(e => e.Contains('@', StringComparison.Ordinal))?.ToLowerInvariant();
    }

    private static IEnumerable<string> Values(List<XmlElement> attributes, string name) =>
        attributes.Where(a => string.Equals(a.GetAttribute("Name"), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(a.GetAttribute("FriendlyName"), name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(a => SamlSignature.Children(a, "AttributeValue", SamlNames.Assertion))
            .Select(v => v.InnerText.Trim())
            .Where(v => v.Length > 0);

    private static XmlElement? Child(XmlElement? parent, string localName, string ns) =>
        parent is null ? null : SamlSignature.Children(parent, localName, ns).FirstOrDefault();

    private static DateTimeOffset? Time(XmlElement element, string attribute) =>
        element.GetAttribute(attribute) is { Length: > 0 } text
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : throw Invalid($"{attribute} is not a time")
            : null;

    private static SsoException Invalid(string why) => new("saml_invalid", "SAML response refused: " + why + ".");

    /// <summary>Base64 of a deflated AuthnRequest for the HTTP-Redirect binding.</summary>
    public static string Deflate(string xml)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }
        return Convert.ToBase64String(buffer.ToArray());
    }
}
