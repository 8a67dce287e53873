using System.Xml.Linq;
using Nextra.Pump.Config;
using Nextra.Pump.Messages;
using Nextra.Pump.Runtime;
using Nextra.Pump.Runtime.Parallel;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// The result class of a join or a map: a payload class with a list field whose items are objects with
/// <c>Index: int</c>, <c>Success: bool</c>, <c>Error: string</c>, optionally <c>Branch: string</c>, and one
/// more field for the branch's payload — <c>xml</c> (any class, kept whole) or an optional object whose
/// fields are the answer's. Field names match loosely (<c>index</c>, <c>INDEX</c>…). Other fields of the
/// class must be optional. One item per slot, in slot order.
/// </summary>
internal sealed class ResultShape
{
    public const string Example = "e.g. Results: {fields: {Items: {type: list, of: {fields: {Index: int, Success: bool, Error: string, Payload: {type: xml, optional: true}}}}}}";

    private ResultShape(string className, PayloadFieldDefinition list, IReadOnlyList<PayloadFieldDefinition> itemFields, string payloadField, bool payloadIsXml)
    {
        ClassName = className;
        List = list;
        ItemFields = itemFields;
        PayloadField = payloadField;
        PayloadIsXml = payloadIsXml;
    }

    public string ClassName { get; }
    private PayloadFieldDefinition List { get; }
    private IReadOnlyList<PayloadFieldDefinition> ItemFields { get; }
    private string PayloadField { get; }
    private bool PayloadIsXml { get; }

    /// <summary>The shape of <paramref name="className"/>, or null with the reason.</summary>
    public static ResultShape? Resolve(FlowDefinition flow, string className, out string? problem)
    {
        problem = null;
        if (!flow.Payloads.TryGetValue(className, out var cls))
        {
            problem = $"'{className}' is not a declared payload class";
            return null;
        }
        var lists = cls.Fields.Where(f => f.Type == "list" && f.Of is { Type: "object" }).ToList();
        if (lists.Count != 1)
        {
            problem = $"'{className}' needs exactly one list field of objects to hold the results ({Example})";
            return null;
        }
        var list = lists[0];
        if (cls.Fields.FirstOrDefault(f => f != list && !f.Optional && f.Default is null) is { } extra)
        {
            problem = $"'{className}' field '{extra.Name}' must be optional: only '{list.Name}' is filled";
            return null;
        }
        var items = list.Of!.Fields ?? [];
        string? Need(string loose, string type)
        {
            var f = items.FirstOrDefault(x => FieldSpec.Loose(x.Name) == loose);
            if (f is null)
                return $"the items of '{className}.{list.Name}' need a field '{char.ToUpperInvariant(loose[0])}{loose[1..]}: {type}' ({Example})";
            return f.Type == type ? null : $"'{className}.{list.Name}' item field '{f.Name}' must be {type}, not {f.Type}";
        }
        problem = Need("index", "int") ?? Need("success", "bool") ?? Need("error", "string");
        if (problem is not null)
        {
            return null;
        }
        var branch = items.FirstOrDefault(x => FieldSpec.Loose(x.Name) == "branch");
        if (branch is not null && branch.Type != "string")
        {
            problem = $"'{className}.{list.Name}' item field '{branch.Name}' must be string";
            return null;
        }
        var payload = items.Where(x => FieldSpec.Loose(x.Name) is not ("index" or "success" or "error" or "branch")).ToList();
        if (payload.Count != 1 || payload[0].Type is not ("xml" or "object"))
        {
            problem = $"the items of '{className}.{list.Name}' need exactly one more field, of type xml or object, for the answer ({Example})";
            return null;
        }
        if (payload[0].Type == "object" && !payload[0].Optional)
        {
            problem = $"'{className}.{list.Name}' item field '{payload[0].Name}' must be optional: a failed branch has no answer";
            return null;
        }
        return new ResultShape(className, list, items, payload[0].Name, payload[0].Type == "xml");
    }

    /// <summary>The result payload, validated; answers that do not fit the payload field become <c>payload_mismatch</c> items.</summary>
    public XElement Build(IReadOnlyList<GatherSlot?> slots, IPayloadSchema schema, Func<int, GatherSlot> missing)
    {
        var filled = slots.Select((s, i) => s ?? missing(i)).ToArray();
        var result = Wrap(filled.Select(Item));
        if (schema.Validate(result) is null)
        {
            return result;
        }
        // Some answer does not fit: find which, one item at a time, and report those instead of failing the whole result.
        for (var i = 0; i < filled.Length; i++)
        {
            var s = filled[i];
            if (s.Success && schema.Validate(Wrap([Item(s, i)])) is { } why)
            {
                filled[i] = GatherSlot.Failed(StepCodes.PayloadMismatch, $"the answer <{s.Class}> does not fit '{PayloadField}': {why}", s.Branch);
            }
        }
        return Wrap(filled.Select(Item));
    }

    private XElement Wrap(IEnumerable<XElement> items) => new(ClassName, new XElement(List.Name, items));

    private XElement Item(GatherSlot slot, int index)
    {
        var item = new XElement(FieldSpec.ItemName);
        foreach (var f in ItemFields)
        {
            switch (FieldSpec.Loose(f.Name))
            {
                case "index":
                    item.Add(new XElement(f.Name, index));
                    break;
                case "success":
                    item.Add(new XElement(f.Name, slot.Success ? "true" : "false"));
                    break;
                case "error":
                    item.Add(new XElement(f.Name, slot.Success ? "" : slot.Error));
                    break;
                case "branch":
                    item.Add(new XElement(f.Name, slot.Branch ?? ""));
                    break;
                default:
                    if (slot.Payload is { } payload)
                        item.Add(PayloadIsXml ? new XElement(f.Name, payload) : new XElement(f.Name, payload.Elements()));
                    else if (PayloadIsXml && !f.Optional)
                        item.Add(new XElement(f.Name));
                    break;
            }
        }
        return item;
    }
}
