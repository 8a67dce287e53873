using System.Text.Json.Nodes;
using Nextra.Pump.Handlers.Http;
using Nextra.Pump.Handlers.Llm;
using Nextra.Pump.Headless;

namespace Nextra.Pump.Tests.Llm;

/// <summary><c>nextra run</c> (PumpCli.RunAsync) on examples/llm-http.yaml with its endpoints pointed at scripted servers.</summary>
public class ExampleFlowTests
{
    private static string ExamplePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "llm-http.yaml");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("examples/llm-http.yaml");
    }

    [Fact]
    public async Task RunExample_LlmHttpFlow_AnswersThroughBothKinds()
    {
        await using var llm = new ScriptedServer();
        await using var weather = new ScriptedServer { Fallback = ScriptedServer.Json(new { city = "Oslo", temp_c = -3.5, summary = "light snow", wind_kmh = 12 }) };
        llm.Then(ScriptedServer.OpenAi("I will look that up.\n<Lookup><City>Oslo</City></Lookup>", prompt: 420, completion: 18, model: "llama3.2"))
           .Then(ScriptedServer.OpenAi("<LlmReply><Text>Yes: -3.5 °C & light snow in Oslo.</Text></LlmReply>", stream: true, prompt: 380, completion: 22, model: "llama3.2"));
        var yaml = (await File.ReadAllTextAsync(ExamplePath()))
            .Replace("http://127.0.0.1:11434", llm.BaseUrl.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("http://127.0.0.1:8081", weather.BaseUrl.ToString().TrimEnd('/'), StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"llm-http-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml);
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var validate = PumpCli.Validate(path, [new LlmHandlerFactory(), new HttpHandlerFactory()], stdout, stderr);
            Assert.True(validate == 0, stdout + stderr.ToString());

            stdout = new StringWriter();
            var exit = await PumpCli.RunAsync(path, "<Question><Text>Do I need a coat in Oslo?</Text></Question>", null, null, 30,
                [new LlmHandlerFactory(), new HttpHandlerFactory()], stdout, stderr, CancellationToken.None);
            Assert.True(exit == 0, stdout + "\n" + stderr);
            var run = JsonNode.Parse(stdout.ToString())!.AsObject();
            Assert.Equal("succeeded", (string?)run["status"]);
            Assert.Equal("Yes: -3.5 °C & light snow in Oslo.", (string?)run["outputs"]![0]!["payload"]!["Text"]);
            var steps = run["steps"]!.AsArray();
            Assert.Equal(["desk", "weather", "writer", "answer"], steps.Select(s => (string)s!["listener"]!).ToArray());
            Assert.Equal(420, (int?)steps[0]!["promptTokens"]);
            Assert.Equal("llama3.2", (string?)steps[2]!["model"]);
            Assert.Equal("local", (string?)steps[2]!["backend"]);
            Assert.Equal(0m, (decimal?)steps[2]!["costUsd"]);
            Assert.Equal("/weather?city=Oslo", Assert.Single(weather.Requests).Path);
            Assert.All(llm.Requests, r => Assert.Equal("/v1/chat/completions", r.Path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
