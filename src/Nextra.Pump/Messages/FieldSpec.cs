using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nextra.Pump.Config;

namespace Nextra.Pump.Messages;

internal enum FieldKind { String, Int, Float, Bool, DateTime, Xml, List, Object }

/// <summary>A compiled field: names pre-atomised as <see cref="XName"/> so validation compares references.</summary>
internal sealed class FieldSpec
{
    public required string Name { get; init; }
    public required XName XName { get; init; }
    /// <summary>Name with '_' and '-' removed, lower-cased: the loosest JSON key match.</summary>
    public required string LooseName { get; init; }
    public required FieldKind Kind { get; init; }
    public bool Optional { get; init; }
    public JsonNode? Default { get; init; }
    public FieldSpec? Of { get; init; }
    public FieldSpec[] Fields { get; init; } = [];

    public static readonly XName ItemName = XName.Get("Item");

    public static FieldSpec Compile(PayloadFieldDefinition def) => new()
    {
        Name = def.Name,
        XName = XName.Get(def.Name),
        LooseName = Loose(def.Name),
        Kind = def.Type switch
        {
            "string" => FieldKind.String,
            "int" => FieldKind.Int,
            "float" => FieldKind.Float,
            "bool" => FieldKind.Bool,
            "datetime" => FieldKind.DateTime,
            "xml" => FieldKind.Xml,
            "list" => FieldKind.List,
            "object" => FieldKind.Object,
            _ => throw new ArgumentException($"unknown field type '{def.Type}'"),
        },
        Optional = def.Optional,
        Default = def.Default,
        Of = def.Of is null ? null : Compile(def.Of),
        Fields = def.Fields?.Select(Compile).ToArray() ?? [],
    };

    public static string Loose(string name)
    {
        Span<char> buf = stackalloc char[Math.Min(name.Length, 256)];
        var n = 0;
        foreach (var c in name)
        {
            if (c is '_' or '-' || n >= buf.Length)
            {
                continue;
            }
            buf[n++] = char.ToLowerInvariant(c);
        }
        return new string(buf[..n]);
    }

    public string XsdType => Kind switch
    {
        FieldKind.String => "xs:string",
        FieldKind.Int => "xs:long",
        FieldKind.Float => "xs:double",
        FieldKind.Bool => "xs:boolean",
        FieldKind.DateTime => "xs:dateTime",
        _ => "",
    };
}
