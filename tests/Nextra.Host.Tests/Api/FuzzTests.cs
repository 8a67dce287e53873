using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Nextra.Host.Tests.Runs;

namespace Nextra.Host.Tests.Api;

/// <summary>The real host with the production body limits (a fuzzed body must reach the parsers, not stop at 413).</summary>
public sealed class FuzzFactory : NextraFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // A source added after the fixture's own, so its values win.
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:MaxBodyBytes"] = (4 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Triggers:WebhookRatePerSecond"] = "1000000",
            ["Triggers:WebhookBurst"] = "1000000",
        }));
    }
}

/// <summary>
/// A few hundred mutated flow documents and webhook bodies (deep nesting, alias and entity bombs, broken
/// encodings…) against the real host: never a 5xx, never a hang. The time bound per input is generous on
/// purpose (it must catch a hang or a quadratic blow-up, not measure speed on a loaded machine). The seed is
/// fixed, so a failure names an input that reproduces.
/// </summary>
public sealed class FuzzTests(FuzzFactory factory) : IClassFixture<FuzzFactory>
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(30);

    private const string Flow = """
        organism:
          name: fuzzed
        payloads:
          Ticket: {fields: {Subject: string, Body: string, Priority: {type: int, optional: true}, Tags: {type: list, of: string, optional: true}, Raw: {type: xml, optional: true}}}
        triggers:
          - {name: hook, type: webhook, target: route, payload: Ticket}
        listeners:
          - name: route
            description: routes tickets
            payload_class: Ticket
            handler: branch
            config:
              cases:
                - {if: "Priority > 3 or contains(Subject, 'urgent')", to: urgent}
              else: done
          - {name: urgent, description: urgent tickets, payload_class: Ticket, handler: output}
          - {name: done, description: other tickets, payload_class: Ticket, handler: output}
        """;

    // Not the AssemblyScript example: validating it runs the asc compiler (node, up to a minute on a loaded
    // machine), which is bounded by its own timeout and is not what this test is about.
    private static IEnumerable<string> YamlSeeds() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot.Path, "examples"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllText).Where(y => !y.Contains("source:", StringComparison.Ordinal)).Append(Flow).Append(TestFlows.Greeter);

    [Fact]
    public async Task Validate_MutatedYaml_NeverFailsTheServerOrHangs()
    {
        var user = await factory.CreateUserAsync("fuzz-yaml");
        var random = new Random(19);
        var seeds = YamlSeeds().ToList();
        var inputs = seeds.Concat(Specials.Yaml).ToList();
        while (inputs.Count < 320)
            inputs.Add(Mutate.Yaml(seeds[random.Next(seeds.Count)], random));

        for (var i = 0; i < inputs.Count; i++)
        {
            // Mostly validation; every tenth input is also saved, which compiles it the way a running flow would.
            var url = i % 10 == 0 ? "/api/flows" : "/api/flows/validate";
            object body = i % 10 == 0 ? new { name = $"fuzz-{i}", organismYaml = inputs[i] } : new { organismYaml = inputs[i] };
            await SendAsync($"yaml #{i}", inputs[i], ct => user.Client.PostAsJsonAsync(url, body, ct));
        }
    }

    [Fact]
    public async Task Webhook_MutatedBodies_NeverFailTheServerOrHang()
    {
        var owner = await factory.CreateUserAsync("fuzz-webhook");
        var (_, hook) = await RunFlows.DeployAsync(owner.Client, Flow);
        var anonymous = factory.CreateClient();
        var random = new Random(10);
        var inputs = new List<(string ContentType, string Body)>();
        inputs.AddRange(Specials.Bodies);
        const string json = """{"Subject":"urgent: printer","Body":"it is on fire","Priority":5,"Tags":["a","b"],"Raw":"<x><y/></x>"}""";
        const string xml = "<Ticket><Subject>urgent: printer</Subject><Body>on fire</Body><Priority>5</Priority><Tags><Item>a</Item></Tags><Raw><x/></Raw></Ticket>";
        while (inputs.Count < 320)
        {
            var asXml = random.Next(2) == 0;
            inputs.Add((asXml ? "application/xml" : "application/json", Mutate.Text(asXml ? xml : json, random)));
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var (contentType, body) = inputs[i];
            await SendAsync($"body #{i} ({contentType})", body,
                ct => anonymous.PostAsync(hook, new StringContent(body, Encoding.UTF8, contentType), ct));
        }

        // Nothing above may have held up the flow: a valid run still goes through at once.
        var run = await RunFlows.SendAsync(anonymous, hook, json, HttpStatusCode.OK, "?wait=30");
        Assert.Equal("succeeded", (string?)run["status"]);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task SendAsync(string label, string input, Func<CancellationToken, Task<HttpResponseMessage>> send)
    {
        using var timeout = new CancellationTokenSource(PerInput);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await send(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{label}: no answer within {PerInput.TotalSeconds} s; input starts: {Clip(input)}");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500,
                $"{label}: {(int)response.StatusCode} after {clock.Elapsed.TotalSeconds:F1} s: {Clip(text)}\ninput starts: {Clip(input)}");
        }
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + $"… ({s.Length} chars)" : s;

    /// <summary>Inputs written by hand: the shapes an attacker tries first.</summary>
    private static class Specials
    {
        public static IEnumerable<string> Yaml =>
        [
            "",
            "~",
            "[]",
            "organism: {name: x}\nlisteners: " + new string('[', 5_000) + new string(']', 5_000),
            "organism: {name: x}\nlisteners:\n" + string.Concat(Enumerable.Range(0, 2_000).Select(i => new string(' ', i % 200) + "- a:\n")),
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
            "organism: {name: x}\npayloads:\n  T: {fields: " + new string('{', 3_000) + new string('}', 3_000) + "}\nlisteners: []\n",
            "organism: {name: \"\\u0000\\uD800\"}\nlisteners: []\n",
            "organism: {name: x}\nlisteners:\n  - {name: b, description: d, payload_class: T, handler: branch, config: {cases: [{if: \""
                + string.Concat(Enumerable.Repeat("not(", 3_000)) + "true()" + new string(')', 3_000) + "\", to: b}]}}\n",
            "organism: {name: x}\nrun_timeout_seconds: 1e309\nmax_message_depth: 99999999999999999999\nlisteners: []\n",
            "--- !!binary\nAAAA\n",
            "%YAML 1.2\n%TAG ! tag:evil:\n--- !x\norganism: {name: x}\n",
            new string('a', 1_000_000),
            string.Concat(Enumerable.Repeat("key: value\n", 50_000)),
        ];

        public static IEnumerable<(string, string)> Bodies =>
        [
            ("application/xml", "<Ticket><Subject>" + string.Concat(Enumerable.Repeat("<a>", 149_000)) + string.Concat(Enumerable.Repeat("</a>", 149_000)) + "</Subject><Body>x</Body></Ticket>"),
            ("application/xml", string.Concat(Enumerable.Repeat("<a>", 200_000))),
            ("application/xml", "<Ticket><Subject>s</Subject><Body>b</Body><Raw>" + string.Concat(Enumerable.Repeat("<a x='>'>", 50_000)) + "</Raw></Ticket>"),
            ("application/json", new string('[', 100_000) + new string(']', 100_000)),
            ("application/json", "{\"Subject\":\"s\",\"Body\":\"b\",\"Raw\":\"" + string.Concat(Enumerable.Repeat("<a>", 100_000)) + "\"}"),
            ("application/json", "{\"Subject\":\"" + new string('x', 3_000_000) + "\",\"Body\":\"b\"}"),
            ("application/xml", "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><Ticket><Subject>&lol2;</Subject><Body>b</Body></Ticket>"),
            ("application/xml", "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><Ticket><Subject>&x;</Subject><Body>b</Body></Ticket>"),
            ("application/xml", "<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta><from>x</from><thread>not-a-uuid</thread></meta><Ticket><Subject>s</Subject><Body>b</Body></Ticket></message>"),
            ("application/xml", "<Ticket><Subject><![CDATA[" + new string(']', 10_000) + "]]></Subject><Body><!--" + new string('-', 10_000) + "--></Body></Ticket>"),
            ("application/xml", "<Ticket " + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"a{i}='{i}' ")) + "/>"),
            ("application/json", "{\"Subject\":\"\\ud800\",\"Body\":\"\\u0000\"}"),
            ("application/json", "\"just a string\""),
            ("application/json", "{\"Subject\": 1e400, \"Body\": -0, \"Priority\": 99999999999999999999999}"),
            ("text/plain", "<" + new string('<', 500_000)),
            ("application/xml", ""),
            ("application/octet-stream", "\u0000\u0001\u0002\uFFFE"),
        ];
    }

    /// <summary>Seeded mutations: the generic kinds (flip, cut, splice, repeat) plus nesting and the YAML features parsers trip on.</summary>
    private static class Mutate
    {
        private static readonly string[] YamlBits =
        [
            "~", "[]", "{}", "&a", "*a", "!!binary", "!!str", "-1", "1e999", "0x7fffffffffffffff", "\"\\uD800\"", "\t", "\u0000",
            ": ", "- ", "? ", "|", ">", "#", "'", "\"", "%", "@", "`", "{{", "}}", "<<: *a", "\n---\n", "\n...\n",
            "xml", "list", "of: ", "handler: code", "handler: dotnet", "wat: '(module)'", "if: '$x'", "if: 'document(\"/\")'",
            new string('[', 300), new string('{', 300), new string(' ', 300), "\u202e", "\r\n", "\r",
        ];

        public static string Yaml(string seed, Random random)
        {
            var lines = seed.Split('\n').ToList();
            var rounds = 1 + random.Next(4);
            for (var r = 0; r < rounds && lines.Count > 0; r++)
            {
                var at = random.Next(lines.Count);
                switch (random.Next(7))
                {
                    case 0: lines.RemoveAt(at); break;
                    case 1: lines.Insert(at, lines[random.Next(lines.Count)]); break;
                    case 2: (lines[at], lines[random.Next(lines.Count)]) = (lines[random.Next(lines.Count)], lines[at]); break;
                    case 3: lines[at] = Splice(lines[at], YamlBits[random.Next(YamlBits.Length)], random); break;
                    case 4: lines[at] = new string(' ', random.Next(8)) + lines[at].TrimStart(); break;
                    case 5: lines.Insert(at, Nesting(random)); break;
                    default: lines[at] = Text(lines[at], random); break;
                }
            }
            return string.Join('\n', lines);
        }

        public static string Text(string seed, Random random)
        {
            var s = seed;
            var rounds = 1 + random.Next(3);
            for (var r = 0; r < rounds; r++)
            {
                var at = s.Length == 0 ? 0 : random.Next(s.Length);
                s = random.Next(6) switch
                {
                    0 => s[..at],
                    1 => s.Remove(at, Math.Min(s.Length - at, 1 + random.Next(10))),
                    2 => s.Insert(at, ((char)random.Next(0, 0x3000)).ToString()),
                    3 => s.Insert(at, s[..Math.Min(s.Length, random.Next(40))]),
                    4 => s.Insert(at, Nesting(random)),
                    _ => s.Insert(at, YamlBits[random.Next(YamlBits.Length)]),
                };
            }
            return s;
        }

        private static string Splice(string line, string bit, Random random) => line.Insert(line.Length == 0 ? 0 : random.Next(line.Length), bit);

        /// <summary>Deep nesting of one of the shapes the parsers meet: XML elements, JSON arrays, YAML flow collections.</summary>
        private static string Nesting(Random random)
        {
            var depth = random.Next(3) == 0 ? 20_000 + random.Next(80_000) : 50 + random.Next(500);
            return random.Next(4) switch
            {
                0 => string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)),
                1 => new string('[', depth) + new string(']', depth),
                2 => new string('{', depth) + new string('}', depth),
                _ => string.Concat(Enumerable.Repeat("<a>", depth)),
            };
        }
    }
}
