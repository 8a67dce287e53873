namespace Nextra.Host.Tests.Api;

/// <summary>Flow documents used across tests.</summary>
public static class Flows
{
    public const string ValidYaml = "organism:\n  name: hello\n  description: says hello\npayloads:\n  Greeting: {fields: {Name: string}}\nlisteners:\n  - {name: greeter, description: greets, payload_class: Greeting, handler: output}\n";
    public const string OtherYaml = "organism:\n  name: hello\npayloads:\n  Greeting: {fields: {Name: string}}\nlisteners:\n  - {name: greeter2, description: greets, payload_class: Greeting, handler: output}\n";
    /// <summary><see cref="ValidYaml"/> opted into project memory (the memory API writes only to such flows).</summary>
    public const string MemoryYaml = ValidYaml + "project_memory: true\n";
    public const string BrokenYaml = "name: hello\nlisteners:\n  - name: a: b\n";

    /// <summary>A code block (an echo in WAT) with two peers and no <c>_to</c>: valid, with the <c>code_no_route</c> warning at line 5.</summary>
    public const string CodeTwoPeersYaml = """
        organism: {name: edges}
        payloads:
          Note: {fields: {text: string}}
        listeners:
          - name: echo
            description: echoes
            payload_class: Note
            handler: code
            peers: [a, b]
            config:
              wat: |
                (module
                  (memory (export "memory") 1)
                  (global $bump (mut i32) (i32.const 1024))
                  (func (export "alloc") (param $len i32) (result i32) (local $p i32)
                    (local.set $p (global.get $bump)) (global.set $bump (i32.add (local.get $p) (local.get $len))) (local.get $p))
                  (func (export "handle") (param $in i32) (param $len i32) (result i64)
                    (i64.or (i64.shl (i64.extend_i32_u (local.get $in)) (i64.const 32)) (i64.extend_i32_u (local.get $len)))))
          - {name: a, description: one, payload_class: Note, handler: output}
          - {name: b, description: two, payload_class: Note, handler: output}

        """;

    public static object Create(string name = "Hello flow", string yaml = ValidYaml) =>
        new { name, description = "a test flow", organismYaml = yaml, canvasState = new { nodes = new[] { new { id = "greeter", x = 10, y = 20 } } } };
}
