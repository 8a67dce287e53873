namespace Nextra.Modules.Tests.Runs;

/// <summary>organism.yaml documents the runtime tests run for real.</summary>
internal static class Flows
{
    /// <summary>webhook → branch → output.</summary>
    public const string Greeter = """
        organism:
          name: greeter
        payloads:
          Greeting: {fields: {name: string}}
        triggers:
          - {name: hook, type: webhook, target: route, payload: Greeting}
        listeners:
          - name: route
            description: routes the greeting
            payload_class: Greeting
            handler: branch
            config: {else: done}
          - {name: done, description: the answer, payload_class: Greeting, handler: output}
        """;

    /// <summary>webhook → code(mode) → output.</summary>
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

    /// <summary>A schedule every minute with the given missed-slot policy.</summary>
    public static string Scheduled(string policy) => $$$"""
        organism:
          name: ticker
        payloads:
          Tick:
            fields:
              note: {type: string, optional: true}
        triggers:
          - {name: tick, type: schedule, cron: "* * * * *", timezone: UTC, missed_policy: {{{policy}}}, target: done, payload: Tick}
        listeners:
          - {name: done, description: the answer, payload_class: Tick, handler: output}
        """;

    public const string Invalid = "organism: {name: broken}\nlisteners: 12\n";
}
