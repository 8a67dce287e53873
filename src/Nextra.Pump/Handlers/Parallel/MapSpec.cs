using Nextra.Pump.Config;

namespace Nextra.Pump.Handlers.Parallel;

/// <summary>
/// A map's config: <c>to</c> (the listener each item goes to), <c>item_class</c>, <c>items</c> (the list field of
/// the input; optional when it has one), <c>concurrency</c> (items in flight, default 10), <c>max_items</c>
/// (default 1000), <c>timeout_ms</c>, <c>output</c> (the result class).
/// </summary>
internal sealed class MapSpec
{
    public const int DefaultConcurrency = 10;
    public const int DefaultMaxItems = 1000;

    public required string To { get; init; }
    public required string ItemClass { get; init; }
    public required string ItemsField { get; init; }
    /// <summary>For a list of scalars: the item class field each value goes into.</summary>
    public string? ScalarField { get; init; }
    public int Concurrency { get; init; } = DefaultConcurrency;
    public int MaxItems { get; init; } = DefaultMaxItems;
    public TimeSpan? Timeout { get; init; }
    public required ResultShape Shape { get; init; }

    public static MapSpec? Parse(ListenerDefinition listener, FlowDefinition flow, List<HandlerConfigProblem> problems)
    {
        var r = new ConfigReader(listener.Config, problems);
        r.RejectUnknown("map", "to", "item_class", "items", "concurrency", "max_items", "timeout_ms", "output");
        var to = Collect.Listener(r, flow, "to", required: true, "the listener each item is sent to");
        var itemClass = r.String("item_class");
        if (itemClass is null && !r.Config.ContainsKey("item_class"))
        {
            r.Problem("missing_field", "config.item_class is required: the payload class each item is sent as", "item_class");
        }
        else if (itemClass is not null && !flow.Payloads.ContainsKey(itemClass))
        {
            r.Problem("unknown_payload_class", $"config.item_class '{itemClass}' is not declared under payloads", "item_class");
            itemClass = null;
        }
        if (to is not null && itemClass is not null && flow.Listeners.First(l => l.Name == to) is { } target && target.PayloadClass != itemClass)
        {
            r.Problem("payload_mismatch", $"config.to '{to}' accepts {target.PayloadClass}, not the item class {itemClass}", "to");
        }
        var concurrency = r.Int("concurrency");
        if (concurrency is < 1)
        {
            r.Problem("invalid_value", "config.concurrency must be 1 or more", "concurrency");
        }
        var maxItems = r.Int("max_items");
        if (maxItems is < 1)
        {
            r.Problem("invalid_value", "config.max_items must be 1 or more", "max_items");
        }
        var timeout = Collect.Timeout(r);
        var shape = Collect.Output(r, flow);
        Collect.CheckPeers(listener, problems);
        var (itemsField, scalarField) = ResolveItems(r, flow, listener, itemClass);
        if (to is null || itemClass is null || shape is null || itemsField is null)
        {
            return null;
        }
        return new MapSpec
        {
            To = to, ItemClass = itemClass, ItemsField = itemsField, ScalarField = scalarField,
            Concurrency = concurrency is > 0 ? concurrency.Value : DefaultConcurrency,
            MaxItems = maxItems is > 0 ? maxItems.Value : DefaultMaxItems,
            Timeout = timeout, Shape = shape,
        };
    }

    /// <summary>The input's list field, and how an item becomes an item-class payload.</summary>
    private static (string? Field, string? Scalar) ResolveItems(ConfigReader r, FlowDefinition flow, ListenerDefinition listener, string? itemClass)
    {
        if (!flow.Payloads.TryGetValue(listener.PayloadClass, out var input))
        {
            return (null, null); // reported where the class is named
        }
        var lists = input.Fields.Where(f => f.Type == "list").ToList();
        var name = r.String("items");
        var field = name is null ? (lists.Count == 1 ? lists[0] : null) : input.Fields.FirstOrDefault(f => f.Name == name);
        if (field is null || field.Type != "list")
        {
            r.Problem(name is null ? "missing_field" : "invalid_value", name is null
                ? $"config.items must name the list field of {listener.PayloadClass} to map over ({(lists.Count == 0 ? "it has none" : string.Join(", ", lists.Select(l => l.Name)))})"
                : $"config.items '{name}' is not a list field of {listener.PayloadClass}", "items");
            return (null, null);
        }
        if (itemClass is null || !flow.Payloads.TryGetValue(itemClass, out var item))
        {
            return (field.Name, null);
        }
        if (field.Of is { Type: "object" } of)
        {
            var have = (of.Fields ?? []).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            var missing = item.Fields.Where(f => !f.Optional && f.Default is null && !have.Contains(f.Name)).Select(f => f.Name).ToList();
            if (missing.Count > 0)
                r.Problem("payload_mismatch", $"the items of {listener.PayloadClass}.{field.Name} lack {string.Join(", ", missing)}, required by item class {itemClass}", "item_class");
            return (field.Name, null);
        }
        var required = item.Fields.Where(f => !f.Optional && f.Default is null).ToList();
        if (item.Fields.Count == 0 || required.Count > 1)
        {
            r.Problem("payload_mismatch", $"{listener.PayloadClass}.{field.Name} holds single values: item class {itemClass} needs exactly one field to put each value in", "item_class");
            return (field.Name, null);
        }
        return (field.Name, (required.Count == 1 ? required[0] : item.Fields[0]).Name);
    }
}
