using System.Xml.Linq;
using System.Xml.XPath;
using Nextra.Pump.Config;
using Nextra.Pump.Messages;

/// <summary>Allocation cost of the per-hop building blocks (bytes per call, current thread).</summary>
static class Probe
{
    public static void Run()
    {
        const string xml = "<Job><Id>j</Id><Size>7</Size><Tags><Item>x</Item></Tags></Job>";
        var flow = FlowLoader.Load("""
organism: {name: p}
payloads:
  Job: {fields: {Id: string, Size: int, Tags: {type: list, of: string}}}
listeners:
  - {name: c, description: sink, payload_class: Job, handler: output}
""").Flow!;
        var schema = new PayloadSchemaSet(flow).Find("Job")!;
        var e = XElement.Parse(xml);
        var expr = XPathExpression.Compile("Size > 1000");
        Measure("XElement.Parse", () => XElement.Parse(xml));
        Measure("XElement.ToString", () => e.ToString(SaveOptions.DisableFormatting));
        Measure("schema.Validate", () => schema.Validate(e));
        Measure("XPath Size > 1000", () => e.CreateNavigator().Evaluate(expr.Clone()));
        Measure("new XElement(copy)", () => new XElement(e));
        Measure("Guid string", () => Guid.NewGuid().ToString("D"));
        Measure("schema.ToJson", () => schema.ToJson(e));
    }

    private static void Measure(string name, Func<object?> f)
    {
        for (var i = 0; i < 1000; i++) f();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10000; i++) f();
        sw.Stop();
        Console.WriteLine($"{name,-22} {(GC.GetAllocatedBytesForCurrentThread() - before) / 10000.0,8:N0} B  {sw.Elapsed.TotalMicroseconds / 10000,6:0.00} µs");
    }
}
