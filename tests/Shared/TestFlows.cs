namespace Nextra.Tests.Shared;

/// <summary>
/// The organism.yaml documents the run-time tests deploy, one set for every test project (compiled into each by a
/// link in its .csproj): the module tests run them on the real supervisor, the host tests through the HTTP API.
/// </summary>
internal static class TestFlows
{
    /// <summary>webhook → branch → output (<c>name = 'vip'</c> goes to <c>vip</c>); also a nightly schedule trigger.</summary>
    public const string Greeter = """
        organism:
          name: greeter
        payloads:
          Greeting: {fields: {name: string}}
        triggers:
          - {name: hook, type: webhook, target: route, payload: Greeting}
          - {name: nightly, type: schedule, cron: "0 3 * * *", timezone: Europe/Paris, target: route, payload: Greeting}
        listeners:
          - name: route
            description: routes the greeting
            payload_class: Greeting
            handler: branch
            config:
              cases:
                - {if: "name = 'vip'", to: vip}
              else: done
          - {name: done, description: the answer, payload_class: Greeting, handler: output}
          - {name: vip, description: the vip answer, payload_class: Greeting, handler: output}
        """;

    /// <summary>webhook → code(mode) → output, with the module tests' scripted code handler (<c>mode</c>, <c>ms</c>).</summary>
    public static string Code(string mode, int ms = 0, double runTimeout = 300) => $$$"""
        organism:
          name: coder
        run_timeout_seconds: {{{runTimeout}}}
        payloads:
          Greeting: {fields: {name: string}}
        triggers:
          - {name: hook, type: webhook, target: work, payload: Greeting}
        listeners:
          - name: work
            description: does the work
            payload_class: Greeting
            handler: code
            timeout_seconds: 600
            config: {mode: {{{mode}}}, ms: {{{ms}}}, to: done}
          - {name: done, description: the answer, payload_class: Greeting, handler: output}
        """;

    /// <summary>A schedule (every minute unless <paramref name="cron"/> says otherwise) with the given missed-slot policy.</summary>
    public static string Scheduled(string policy, string cron = "* * * * *") => $$$"""
        organism:
          name: ticker
        payloads:
          Tick:
            fields:
              note: {type: string, optional: true}
        triggers:
          - {name: tick, type: schedule, cron: "{{{cron}}}", timezone: UTC, missed_policy: {{{policy}}}, target: done, payload: Tick}
        listeners:
          - {name: done, description: the answer, payload_class: Tick, handler: output}
        """;

    /// <summary>Not a flow: listeners must be a list.</summary>
    /// <summary>A code block whose WASM traps on every call: every run fails.</summary>
    public const string Trapping = """
        organism:
          name: trapper
        payloads:
          Ping: {fields: {Text: string}}
        triggers:
          - {name: hook, type: webhook, target: trap, payload: Ping}
        listeners:
          - name: trap
            description: always traps
            payload_class: Ping
            handler: code
            config:
              fuel: 100000
              memory_mb: 1
              timeout_ms: 1000
              wat: |
                (module
                  (memory (export "memory") 1)
                  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
                  (func (export "handle") (param i32 i32) (result i64) unreachable))
        """;

    public const string Invalid = "organism: {name: broken}\nlisteners: 12\n";
}
