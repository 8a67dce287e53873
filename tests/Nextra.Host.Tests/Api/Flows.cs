namespace Nextra.Host.Tests.Api;

/// <summary>Flow documents used across tests.</summary>
public static class Flows
{
    public const string ValidYaml = "name: hello\ndescription: says hello\nlisteners:\n  - name: greeter\n    kind: output\n";
    public const string OtherYaml = "name: hello\nlisteners:\n  - name: greeter2\n    kind: output\n";
    public const string BrokenYaml = "name: hello\nlisteners:\n  - name: a: b\n";

    public static object Create(string name = "Hello flow", string yaml = ValidYaml) =>
        new { name, description = "a test flow", organismYaml = yaml, canvasState = new { nodes = new[] { new { id = "greeter", x = 10, y = 20 } } } };
}
