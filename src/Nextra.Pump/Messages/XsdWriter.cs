using System.Text;
using System.Xml;

namespace Nextra.Pump.Messages;

/// <summary>Writes the XSD of a payload class: root = class name, children in declared order.</summary>
internal static class XsdWriter
{
    public static string Write(string className, FieldSpec[] fields)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("xs", "schema", "http://www.w3.org/2001/XMLSchema");
            w.WriteAttributeString("elementFormDefault", "unqualified");
            w.WriteStartElement("xs", "element", null);
            w.WriteAttributeString("name", className);
            WriteComplex(w, fields);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return sb.ToString();
    }

    private static void WriteComplex(XmlWriter w, FieldSpec[] fields)
    {
        w.WriteStartElement("xs", "complexType", null);
        w.WriteStartElement("xs", "sequence", null);
        foreach (var f in fields)
        {
            WriteElement(w, f, f.Name, f.Optional ? "0" : null, null);
        }
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteElement(XmlWriter w, FieldSpec f, string name, string? minOccurs, string? maxOccurs)
    {
        w.WriteStartElement("xs", "element", null);
        w.WriteAttributeString("name", name);
        if (f.XsdType.Length > 0)
        {
            w.WriteAttributeString("type", f.XsdType);
        }
        if (minOccurs is not null)
        {
            w.WriteAttributeString("minOccurs", minOccurs);
        }
        if (maxOccurs is not null)
        {
            w.WriteAttributeString("maxOccurs", maxOccurs);
        }
        switch (f.Kind)
        {
            case FieldKind.Object:
                WriteComplex(w, f.Fields);
                break;
            case FieldKind.List:
                w.WriteStartElement("xs", "complexType", null);
                w.WriteStartElement("xs", "sequence", null);
                WriteElement(w, f.Of!, "Item", "0", "unbounded");
                w.WriteEndElement();
                w.WriteEndElement();
                break;
            case FieldKind.Xml:
                // Free-form content: any text and elements, nothing checked inside.
                w.WriteStartElement("xs", "complexType", null);
                w.WriteAttributeString("mixed", "true");
                w.WriteStartElement("xs", "sequence", null);
                w.WriteStartElement("xs", "any", null);
                w.WriteAttributeString("minOccurs", "0");
                w.WriteAttributeString("maxOccurs", "unbounded");
                w.WriteAttributeString("processContents", "skip");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteStartElement("xs", "anyAttribute", null);
                w.WriteAttributeString("processContents", "skip");
                w.WriteEndElement();
                w.WriteEndElement();
                break;
        }
        w.WriteEndElement();
    }
}
