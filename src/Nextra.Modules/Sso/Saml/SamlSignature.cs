using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Nextra.Modules.Sso.Saml;

/// <summary>
/// Verifies one enveloped XML signature over one element, the way SAML uses them, with the IdP's configured certificates
/// (never a key the document carries). <c>SignedXml</c> is not used: it resolves algorithms by name through reflection
/// (not Native AOT-safe) and accepts transforms SAML never needs (XPath, XSLT). This check allows exactly one
/// Reference, to the element's own ID, with the enveloped-signature and exclusive C14N transforms, RSA-SHA256/512 and
/// SHA-256/512 digests; canonicalization is System.Security.Cryptography.Xml's <see cref="XmlDsigExcC14NTransform"/>.
/// </summary>
internal static class SamlSignature
{
    /// <summary>Null when <paramref name="signature"/> (a direct child of <paramref name="signed"/>) verifies; else why not.</summary>
    public static string? Verify(XmlElement signed, XmlElement signature, IReadOnlyList<X509Certificate2> certificates)
    {
        var signedInfo = Single(signature, "SignedInfo");
        if (signedInfo is null) return "the signature has no single SignedInfo";
        if (Single(signedInfo, "CanonicalizationMethod")?.GetAttribute("Algorithm") != SamlNames.ExcC14N)
            return "SignedInfo is not canonicalized with exclusive C14N";
        var hash = Single(signedInfo, "SignatureMethod")?.GetAttribute("Algorithm") switch
        {
            SamlNames.RsaSha256 => HashAlgorithmName.SHA256,
            SamlNames.RsaSha512 => HashAlgorithmName.SHA512,
            var other => (HashAlgorithmName?)null,
        };
        if (hash is null) return "the signature method is not RSA-SHA256 or RSA-SHA512";
        var references = Children(signedInfo, "Reference").ToList();
        if (references.Count != 1) return "the signature must have exactly one Reference";
        var reference = references[0];
        var id = signed.GetAttribute("ID");
        if (id.Length == 0 || reference.GetAttribute("URI") != "#" + id) return "the signature does not reference the signed element's ID";

        string? prefixes = null;
        var transforms = Single(reference, "Transforms");
        var enveloped = false;
        foreach (var transform in transforms is null ? [] : Children(transforms, "Transform"))
        {
            switch (transform.GetAttribute("Algorithm"))
            {
                case SamlNames.Enveloped:
                    enveloped = true;
                    break;
                case SamlNames.ExcC14N:
                    prefixes = transform.GetElementsByTagName("InclusiveNamespaces", SamlNames.ExcC14N).OfType<XmlElement>().FirstOrDefault()?.GetAttribute("PrefixList");
                    break;
                default:
                    return "a transform other than enveloped-signature and exclusive C14N";
            }
        }
        if (!enveloped) return "the signature is not an enveloped signature";
        Func<byte[], byte[]>? digest = Single(reference, "DigestMethod")?.GetAttribute("Algorithm") switch
        {
            SamlNames.Sha256 => SHA256.HashData,
            SamlNames.Sha512 => SHA512.HashData,
            _ => null,
        };
        if (digest is null) return "the digest method is not SHA-256 or SHA-512";
        byte[] expectedDigest, signatureValue;
        try
        {
            expectedDigest = Convert.FromBase64String(Single(reference, "DigestValue")?.InnerText.Trim() ?? "");
            signatureValue = Convert.FromBase64String(Single(signature, "SignatureValue")?.InnerText.Trim() ?? "");
        }
        catch (FormatException)
        {
            return "DigestValue or SignatureValue is not base64";
        }
        if (!CryptographicOperations.FixedTimeEquals(digest(Canonicalize(signed, signature, prefixes)), expectedDigest))
            return "the digest does not match: the signed content was changed";
        var signedInfoBytes = Canonicalize(signedInfo, null, null);
        foreach (var certificate in certificates)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null && rsa.VerifyData(signedInfoBytes, signatureValue, hash.Value, RSASignaturePadding.Pkcs1)) return null;
        }
        return "the signature does not verify with the IdP's certificate";
    }

    /// <summary>
    /// Exclusive C14N of <paramref name="element"/> as it stands in its document (namespaces declared by its ancestors
    /// carried onto the copy), without <paramref name="without"/> (the enveloped signature).
    /// </summary>
    private static byte[] Canonicalize(XmlElement element, XmlElement? without, string? inclusivePrefixes)
    {
        var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        var copy = (XmlElement)doc.ImportNode(element, deep: true);
        doc.AppendChild(copy);
        for (var ancestor = element.ParentNode as XmlElement; ancestor is not null; ancestor = ancestor.ParentNode as XmlElement)
        {
            foreach (XmlAttribute attribute in ancestor.Attributes)
            {
                if (attribute.NamespaceURI != "http://www.w3.org/2000/xmlns/" || copy.HasAttribute(attribute.Name)) continue;
                var carried = doc.CreateAttribute(attribute.Prefix, attribute.LocalName, attribute.NamespaceURI);
                carried.Value = attribute.Value;
                copy.Attributes.Append(carried);
            }
        }
        if (without is not null)
        {
            var index = IndexAmongChildren(element, without);
            copy.RemoveChild(copy.ChildNodes[index]!);
        }
        var transform = inclusivePrefixes is null ? new XmlDsigExcC14NTransform() : new XmlDsigExcC14NTransform(inclusivePrefixes);
        transform.LoadInput(doc);
        using var output = (Stream)transform.GetOutput(typeof(Stream));
        using var buffer = new MemoryStream();
        output.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static int IndexAmongChildren(XmlElement parent, XmlNode child)
    {
        for (var i = 0; i < parent.ChildNodes.Count; i++)
        {
            if (ReferenceEquals(parent.ChildNodes[i], child)) return i;
        }
        throw new InvalidOperationException("not a child");
    }

    internal static IEnumerable<XmlElement> Children(XmlElement parent, string localName, string ns = SamlNames.Dsig) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == localName && e.NamespaceURI == ns);

    private static XmlElement? Single(XmlElement parent, string localName)
    {
        XmlElement? found = null;
        foreach (var e in Children(parent, localName))
        {
            if (found is not null) return null;
            found = e;
        }
        return found;
    }
}
