using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Config;

public class FlowLoaderTests
{
    private const string Minimal = """
organism: {name: demo, description: A demo}
payloads:
  Ticket: {fields: {Subject: string, Body: string, Priority: {type: int, optional: true}}}
listeners:
  - {name: done, description: Final, payload_class: Ticket, handler: output}
""";

    private static IReadOnlyList<ValidationProblem> Problems(string yaml, params IHandlerFactory[] kinds) =>
        FlowLoader.Load(yaml, new HandlerRegistry(kinds)).Problems;

    private static ValidationProblem Single(string yaml, string code)
    {
        var problems = Problems(yaml);
        Assert.Contains(problems, p => p.Code == code);
        return problems.First(p => p.Code == code);
    }

    [Fact]
    public void Load_MinimalFlow_FillsModelWithLibraryDefaults()
    {
        var result = FlowLoader.Load(Minimal);
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        var flow = result.Flow!;
        Assert.Equal("demo", flow.Name);
        Assert.Equal("A demo", flow.Description);
        Assert.Equal(20, flow.MaxConcurrentHandlers);
        Assert.Equal(5, flow.MaxConcurrentPerAgent);
        Assert.Equal(100_000, flow.MaxTokensPerThread);
        Assert.Equal(50, flow.MaxMessageDepth);
        Assert.Equal(10_000, flow.QueueCapacity);
        var l = Assert.Single(flow.Listeners);
        Assert.Equal(30, l.TimeoutSeconds);
        Assert.False(l.Agent);
        Assert.Equal((5, 5), (l.Line, l.Column));
        Assert.Equal(["Subject", "Body", "Priority"], flow.Payloads["Ticket"].Fields.Select(f => f.Name));
        Assert.True(flow.Payloads["Ticket"].Fields[2].Optional);
        Assert.True(flow.Payloads.ContainsKey("SystemError"));
        Assert.True(flow.Payloads.ContainsKey("Boot"));
    }

    [Fact]
    public void Load_EveryKey_IsParsedWithItsType()
    {
        var yaml = """
organism: {name: full}
max_concurrent_handlers: 7
max_concurrent_per_agent: 2
max_tokens_per_thread: 5000
max_message_depth: 9
queue_capacity: 33
run_timeout_seconds: 12.5
project_memory: true
llm:
  strategy: round-robin
  retries: 4
  retry_base_delay: 0.25
  backends:
    - {provider: openai, name: main, base_url: "http://127.0.0.1:9/v1", api_key_secret: OPENAI, priority: 2, rate_limit_tpm: 1000, max_concurrent: 3, timeout: 9, models: ["gpt-*"]}
    - {provider: ollama, api_key_env: X}
payloads:
  T: {fields: {A: string}}
triggers:
  - {name: nightly, type: schedule, cron: "0 3 * * *", timezone: UTC, target: a, payload: T, missed_policy: run_once}
  - {name: hook, type: webhook, target: a, payload: T, rate_per_second: 2.5, burst: 10, max_body_bytes: 4096}
peer_tables:
  - {name: admin, entries: [{listener: a, peers: [b]}]}
listeners:
  - {name: a, description: A, payload_class: T, handler: branch, agent: true, peers: [b], broadcast: true, prompt: hi, timeout_seconds: 2.5, config: {else: b, cases: [{if: "A = 'x'", to: b}]}}
  - {name: b, description: B, payload_class: T, handler: output}
""";
        var result = FlowLoader.Load(yaml);
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        var f = result.Flow!;
        Assert.Equal((7, 2, 5000, 9, 33, 12.5, true), (f.MaxConcurrentHandlers, f.MaxConcurrentPerAgent, f.MaxTokensPerThread, f.MaxMessageDepth, f.QueueCapacity, f.RunTimeoutSeconds, f.ProjectMemory));
        Assert.Equal(("round-robin", 4, 0.25), (f.Llm!.Strategy, f.Llm.Retries, f.Llm.RetryBaseDelaySeconds));
        var b = f.Llm.Backends[0];
        Assert.Equal(("openai", "main", "http://127.0.0.1:9/v1", "OPENAI", 2, 1000, 3, 9.0), (b.Provider, b.Name, b.BaseUrl, b.ApiKeySecret, b.Priority, b.RateLimitTpm, b.MaxConcurrent, b.TimeoutSeconds));
        Assert.Equal(["gpt-*"], b.Models);
        Assert.Equal("X", f.Llm.Backends[1].ApiKeyEnv);
        Assert.Equal(2, f.Triggers.Count);
        var t = f.Triggers[0];
        Assert.Equal(("schedule", "0 3 * * *", "UTC", "run_once"), (t.Type, t.Cron, t.Timezone, t.MissedPolicy));
        var hook = f.Triggers[1];
        Assert.Equal((2.5, 10.0, 4096L), (hook.RatePerSecond, hook.Burst, hook.MaxBodyBytes));
        Assert.Equal(["b"], f.PeerTables[0].Peers["a"]);
        var a = f.Listeners[0];
        Assert.True(a.Agent && a.Broadcast);
        Assert.Equal(("hi", 2.5), (a.Prompt, a.TimeoutSeconds));
        Assert.Equal("b", a.Config!["else"]!.GetValue<string>());
    }

    [Fact]
    public void Load_ConfigScalars_AreTyped()
    {
        var yaml = """
organism: {name: typed}
payloads: {T: {fields: {A: string}}}
listeners:
  - {name: a, description: A, payload_class: T, handler: script, config: {n: 5, f: 0.5, b: true, s: "5", nul: null, plain: hello, list: [1, two]}}
""";
        var result = FlowLoader.Load(yaml, new HandlerRegistry([new ScriptFactory()]));
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        var c = result.Flow!.Listeners[0].Config!;
        Assert.Equal(5L, c["n"]!.GetValue<long>());
        Assert.Equal(0.5, c["f"]!.GetValue<double>());
        Assert.True(c["b"]!.GetValue<bool>());
        Assert.Equal("5", c["s"]!.GetValue<string>());
        Assert.Null(c["nul"]);
        Assert.Equal("hello", c["plain"]!.GetValue<string>());
        Assert.Equal("[1,\"two\"]", c["list"]!.ToJsonString());
    }

    [Fact]
    public void Load_UnknownKey_IsLocatedWithSuggestion()
    {
        var p = Single("""
organism: {name: demo}
payloads: {T: {fields: {A: string}}}
listeners:
  - name: a
    descripton: typo
    payload_class: T
    handler: output
""", "unknown_key");
        Assert.Equal((5, 5), (p.Line, p.Column));
        Assert.Contains("did you mean 'description'", p.Message);
    }

    [Fact]
    public void Load_LibraryOnlyKey_ExplainsTheDifference()
    {
        var p = Single(Minimal + "\nbackend: {type: redis}\n", "unknown_key");
        Assert.Contains("server's configuration", p.Message);
    }

    [Fact]
    public void Load_ListenerMissingDescription_StillReportsItsUnknownClassAndPeer()
    {
        var yaml = """
organism: {name: bad}
payloads:
  T: {fields: {A: string}}
listeners:
  - {name: a, payload_class: Nope, handler: output, peers: [ghost]}
""";
        var codes = Problems(yaml).Select(p => p.Code).ToList();
        Assert.Contains("missing_field", codes);
        Assert.Contains("unknown_payload_class", codes);
        Assert.Contains("unknown_peer", codes);
    }

    [Fact]
    public void Load_ManyProblems_AreAllReportedAtOnceInOrder()
    {
        var yaml = """
organism: {name: bad}
payloads:
  T: {fields: {A: strang}}
triggers:
  - {name: t, type: schedule, cron: "99 * * *", target: nobody, payload: Nope}
peer_tables:
  - {name: p1, parent: p2}
  - {name: p2, parent: p1}
listeners:
  - {name: a, description: A, payload_class: T, handler: output}
  - {name: a, description: dup, payload_class: T, handler: output}
  - {name: b, description: B, payload_class: Missing, handler: teleport, peers: [ghost]}
  - {name: c, description: C, payload_class: T, handler: llm}
  - {name: d, payload_class: T, handler: output}
  - {name: e, description: E, payload_class: T, handler: branch, config: {cases: [{if: "((", to: zzz}]}}
""";
        var problems = Problems(yaml);
        var codes = problems.Select(p => p.Code).ToHashSet();
        Assert.True(codes.Count > 0, string.Join("\n", problems));
        foreach (var expected in new[] { "unknown_type", "bad_cron", "unknown_target", "unknown_payload_class", "peer_table_cycle",
                     "duplicate_listener", "unknown_handler", "unknown_peer", "handler_unavailable", "missing_field", "bad_xpath" })
        {
            Assert.True(codes.Contains(expected), expected + " missing in:\n" + string.Join("\n", problems));
        }
        Assert.Equal(problems.OrderBy(p => p.Line).ThenBy(p => p.Column), problems);
        Assert.All(problems, p => Assert.True(p.Line > 0 && p.Column > 0, p.ToString()));
        var xpath = problems.Single(p => p.Code == "bad_xpath");
        Assert.Equal(15, xpath.Line); // located at the listener's config, on its line
        Assert.Null(FlowLoader.Load(yaml).Flow);
    }

    [Theory]
    [InlineData("$limit > 3", "$limit")]
    [InlineData("shout(Subject) = 'X'", "shout()")]
    [InlineData("document('file:///etc/passwd')", "document()")]
    [InlineData("current()/Subject = 'x'", "current()")]
    [InlineData("x:Subject = 'y'", "'x'")]
    public void Load_BranchXPathThatOnlyFailsAtRunTime_IsRefusedWithItsLocation(string condition, string named)
    {
        var yaml = Minimal + "\n" + $$"""
  - name: route
    description: routes
    payload_class: Ticket
    handler: branch
    config:
      cases:
        - {if: "{{condition}}", to: done}
""";
        var problems = FlowLoader.Load(yaml).Problems;
        var p = Assert.Single(problems, x => x.Code == "unsupported_xpath");
        Assert.Contains(named, p.Message);
        Assert.Equal((12, 16), (p.Line, p.Column)); // the if value
    }

    [Theory]
    [InlineData("contains(Subject, 'refund') and not(starts-with(Body, 'x'))")]
    [InlineData("count(Tags/Item) > 1 or string-length(normalize-space(Subject)) = 0")]
    [InlineData("translate(Subject, 'abc', 'ABC') = concat('A', substring(Body, 1, 2))")]
    [InlineData("sum(Tags/Item) div 2 >= round(Priority) and floor(1.5) = 1 and ceiling(1.2) = 2 and true() and number('1') = 1")]
    [InlineData("boolean(Priority) and local-name() = 'Ticket' and name(*[1]) = 'Subject' and position() = last()")]
    [InlineData("substring-before(Subject, ' ') = substring-after(Subject, ' ') or lang('en') or string(Body) = ''")]
    public void Load_BranchXPathWithCoreFunctions_IsAccepted(string condition)
    {
        var yaml = Minimal + "\n" + $$"""
  - name: route
    description: routes
    payload_class: Ticket
    handler: branch
    config:
      cases:
        - {if: "{{condition}}", to: done}
""";
        Assert.Empty(FlowLoader.Load(yaml).Problems);
    }

    [Fact]
    public void Load_YamlSyntaxError_IsLocated()
    {
        var problems = Problems("organism: {name: x\nlisteners: [\n");
        var p = Assert.Single(problems);
        Assert.Equal("yaml_syntax", p.Code);
        Assert.True(p.Line >= 1);
    }

    [Fact]
    public void Load_DuplicateYamlKey_IsAProblemNotACrash()
    {
        var p = Single(Minimal + "\norganism: {name: again}\n", "duplicate_key");
        Assert.Equal(6, p.Line);
    }

    [Theory]
    [InlineData("", "missing_field")]
    [InlineData("- a\n- b\n", "invalid_type")]
    [InlineData("organism: {name: x}\n", "missing_field")]
    [InlineData("organism: {name: 'has space'}\nlisteners: []\n", "invalid_name")]
    [InlineData("a: &x [*x]\n", "yaml_syntax")]
    public void Load_DegenerateDocuments_GiveCodedProblems(string yaml, string code)
    {
        Assert.Contains(Problems(yaml), p => p.Code == code);
    }

    [Fact]
    public void Load_AliasBomb_IsRefused()
    {
        var yaml = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        Assert.Contains(Problems(yaml), p => p.Code == "yaml_syntax");
    }

    [Theory]
    [InlineData("llm", "handler_unavailable")]
    [InlineData("http", "handler_unavailable")]
    [InlineData("code", "handler_unavailable")]
    [InlineData("dotnet", "handler_unavailable")]
    [InlineData("python", "unknown_handler")]
    public void Load_HandlerKinds_UnavailableVersusUnknown(string kind, string code)
    {
        var p = Single(Minimal.Replace("handler: output", $"handler: {kind}"), code);
        Assert.Equal((5, 70), (p.Line, p.Column));
    }

    [Fact]
    public void Load_RegisteredExternalKind_IsAccepted()
    {
        Assert.Empty(Problems(Minimal.Replace("handler: output", "handler: llm"), new PermissiveFactory("llm")));
    }

    [Fact]
    public void Load_FactoryProblem_IsLocatedAtTheConfigKey()
    {
        var yaml = """
organism: {name: demo}
payloads: {T: {fields: {A: string}}}
listeners:
  - name: a
    description: A
    payload_class: T
    handler: branch
    config:
      cases:
        - if: "A = 'x'"
          to: nowhere
""";
        var p = Single(yaml, "unknown_target");
        Assert.Equal((11, 15), (p.Line, p.Column));
        Assert.Contains("listener 'a'", p.Message);
    }

    [Fact]
    public void Load_PeerTableAboveCeiling_IsRejected()
    {
        var yaml = Minimal + "\n" + """
peer_tables:
  - {name: t, entries: [{listener: done, peers: [done]}]}
""";
        Assert.Contains(Problems(yaml), p => p.Code == "peer_table_ceiling");
    }

    [Fact]
    public void Load_TriggerPayloadMismatch_IsRejected()
    {
        var yaml = Minimal + "\n" + """
triggers:
  - {name: w, type: webhook, target: done, payload: Boot}
""";
        Assert.Contains(Problems(yaml), p => p.Code == "payload_mismatch");
    }

    [Theory]
    [InlineData("{type: list}", "missing_field")]
    [InlineData("{type: int, default: abc}", "bad_default")]
    [InlineData("{type: object}", "missing_field")]
    [InlineData("list", "unknown_type")]
    [InlineData("{fields: {X: {type: nope}}}", "unknown_type")]
    public void Load_BadFieldSpecs_AreRejected(string spec, string code)
    {
        var yaml = $"organism: {{name: d}}\npayloads: {{T: {{fields: {{F: {spec}}}}}}}\nlisteners:\n  - {{name: a, description: A, payload_class: T, handler: output}}\n";
        Assert.Contains(Problems(yaml), p => p.Code == code);
    }

    [Fact]
    public void Load_ListenerNames_RejectDotsAndReservedSystem()
    {
        Assert.Contains(Problems(Minimal.Replace("name: done", "name: a.b")), p => p.Code == "invalid_name");
        Assert.Contains(Problems(Minimal.Replace("name: done", "name: system")), p => p.Code == "invalid_name");
    }

    [Fact]
    public void LoadFile_Missing_IsFileUnreadable()
    {
        var result = FlowLoader.LoadFile("/nonexistent/organism.yaml");
        Assert.Equal("file_unreadable", Assert.Single(result.Problems).Code);
    }

    [Theory]
    [InlineData("input: {subject: nightly, body: report}", null)]
    [InlineData("input: {subject: nightly}", "payload_invalid")]
    [InlineData("input: [1, 2]", "invalid_type")]
    public void Load_ScheduleTriggerInput_MappedThroughItsClass(string input, string? code)
    {
        var yaml = $$$"""
            organism: {name: nightly}
            payloads:
              Ticket: {fields: {Subject: string, Body: string}}
            triggers:
              - name: tick
                type: schedule
                cron: "0 3 * * *"
                target: desk
                payload: Ticket
                {{{input}}}
            listeners:
              - {name: desk, description: takes tickets, payload_class: Ticket, handler: output}
            """;
        var result = FlowLoader.Load(yaml);
        if (code is null)
        {
            Assert.Empty(result.Problems);
            Assert.Equal("nightly", result.Flow!.Triggers[0].Input!["subject"]!.GetValue<string>());
        }
        else
        {
            var problem = Assert.Single(result.Problems);
            Assert.Equal((code, 10), (problem.Code, problem.Line));
        }
    }
}
