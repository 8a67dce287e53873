using System.Text.Json.Nodes;
using System.Xml.Linq;
using System.Xml.Schema;
using Nextra.Pump.Config;

namespace Nextra.Pump.Messages;

/// <summary>
/// A payload class compiled from its YAML declaration: XSD text (and a compiled <see cref="XmlSchemaSet"/>
/// for external tools), a skeleton example, per-hop validation and the JSON ⇄ XML mapping.
/// </summary>
public sealed class PayloadSchema : IPayloadSchema
{
    private readonly FieldSpec[] _fields;
    private readonly XName _root;
    private readonly Lazy<XmlSchemaSet> _schemaSet;
    private readonly Lazy<string> _example;

    public PayloadSchema(PayloadClassDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        ClassName = definition.Name;
        _root = XName.Get(definition.Name);
        _fields = definition.Fields.Select(FieldSpec.Compile).ToArray();
        Xsd = XsdWriter.Write(definition.Name, _fields);
        _schemaSet = new Lazy<XmlSchemaSet>(CompileXsd);
        _example = new Lazy<string>(() => PayloadJson.Example(_root, _fields).ToString());
    }

    public PayloadClassDefinition Definition { get; }
    public string ClassName { get; }
    public string Xsd { get; }
    public string ExampleXml => _example.Value;
    /// <summary>The XSD compiled by System.Xml.Schema (for tools and cross-checks; hops use the faster compiled validator).</summary>
    public XmlSchemaSet SchemaSet => _schemaSet.Value;
    internal FieldSpec[] Fields => _fields;

    public string? Validate(XElement payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Name != _root)
        {
            return payload.Name.NamespaceName.Length != 0
                ? $"payload <{payload.Name.LocalName}> must be in no namespace (found '{payload.Name.NamespaceName}')"
                : $"payload is <{payload.Name.LocalName}>, expected <{ClassName}>";
        }
        return PayloadValidator.ValidateChildren(payload, _fields, ClassName);
    }

    /// <summary>Validates with System.Xml.Schema against <see cref="Xsd"/>; slower, used to cross-check.</summary>
    public string? ValidateWithXsd(XElement payload)
    {
        string? error = null;
        new XDocument(new XElement(payload)).Validate(SchemaSet, (_, e) => error ??= e.Message);
        return error;
    }

    public JsonObject ToJson(XElement payload) => PayloadJson.ToJson(payload, _fields);

    public XElement FromJson(JsonObject json) => FromJson(json, XmlLimits.DefaultMaxDepth);

    public XElement FromJson(JsonObject json, int maxXmlDepth)
    {
        ArgumentNullException.ThrowIfNull(json);
        var element = PayloadJson.FromJson(_root, _fields, json, ClassName, maxXmlDepth);
        var error = Validate(element);
        if (error is not null)
        {
            throw new PayloadMappingException("invalid_value", error);
        }
        return element;
    }

    private XmlSchemaSet CompileXsd()
    {
        var set = new XmlSchemaSet();
        using var reader = System.Xml.XmlReader.Create(new StringReader(Xsd));
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    public override string ToString() => ClassName;
}
