using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Nextra.Modules.Sso.Saml;

/// <summary>Reads an IdP's settings: its metadata file, or its entity id, SSO URL and certificate given one by one.</summary>
internal static class SamlProviderLoader
{
    public static (string EntityId, string SsoUrl, List<X509Certificate2> Certificates) Idp(string metadataPath, string entityId, string ssoUrl, string certificate)
    {
        var certificates = new List<X509Certificate2>();
        if (metadataPath.Length > 0)
        {
            var doc = new XmlDocument { XmlResolver = null };
            using (var reader = XmlReader.Create(metadataPath, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
            {
                doc.Load(reader);
            }
            var descriptor = doc.DocumentElement!;
            if (entityId.Length == 0) entityId = descriptor.GetAttribute("entityID");
            var idp = descriptor.GetElementsByTagName("IDPSSODescriptor", SamlNames.Metadata).OfType<XmlElement>().FirstOrDefault();
            if (idp is not null)
            {
                if (ssoUrl.Length == 0)
                {
                    ssoUrl = idp.GetElementsByTagName("SingleSignOnService", SamlNames.Metadata).OfType<XmlElement>()
                        .FirstOrDefault(e => e.GetAttribute("Binding") == SamlNames.RedirectBinding)?.GetAttribute("Location") ?? "";
                }
                foreach (var key in idp.GetElementsByTagName("KeyDescriptor", SamlNames.Metadata).OfType<XmlElement>()
                    .Where(k => k.GetAttribute("use") is "" or "signing"))
                {
                    foreach (var data in key.GetElementsByTagName("X509Certificate", SamlNames.Dsig).OfType<XmlElement>())
                    {
                        certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(data.InnerText.Trim())));
                    }
                }
            }
        }
        if (certificate.Length > 0)
        {
            certificates.Add(Certificate(certificate, allowFile: true));
        }
        return (entityId, ssoUrl, certificates);
    }

    /// <summary>PEM text, base64 DER, or (operator's config only: never a tenant's text) the path of a PEM file.</summary>
    public static X509Certificate2 Certificate(string text, bool allowFile = false)
    {
        text = text.Trim();
        if (allowFile && !text.Contains("-----BEGIN", StringComparison.Ordinal) && File.Exists(text)) text = File.ReadAllText(text);
        return text.Contains("-----BEGIN", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
    }
}
