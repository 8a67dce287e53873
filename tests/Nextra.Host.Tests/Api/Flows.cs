namespace Nextra.Host.Tests.Api;

/// <summary>Flow documents used across tests.</summary>
public static class Flows
{
    public const string ValidYaml = "organism:\n  name: hello\n  description: says hello\npayloads:\n  Greeting: {fields: {Name: string}}\nlisteners:\n  - {name: greeter, description: greets, payload_class: Greeting, handler: output}\n";
    public const string OtherYaml = "organism:\n  name: hello\npayloads:\n  Greeting: {fields: {Name: string}}\nlisteners:\n  - {name: greeter2, description: greets, payload_class: Greeting, handler: output}\n";
    /// <summary><see cref="ValidYaml"/> opted into project memory (the memory API writes only to such flows).</summary>
    public const string MemoryYaml = ValidYaml + "project_memory: true\n";
    public const string BrokenYaml = "name: hello\nlisteners:\n  - name: a: b\n";

    public static object Create(string name = "Hello flow", string yaml = ValidYaml) =>
        new { name, description = "a test flow", organismYaml = yaml, canvasState = new { nodes = new[] { new { id = "greeter", x = 10, y = 20 } } } };
}
