using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nextra.Host.Tests.Process;

/// <summary><c>nextra run examples/llm-http.yaml</c> as a process, against a scripted OpenAI-compatible LLM and a weather API on loopback.</summary>
public sealed class NextraRunLlmTests
{
    [Fact]
    public async Task NextraRun_LlmHttpExample_BlockedByDefault_AnswersWhenLoopbackAllowed()
    {
        var calls = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var fake = builder.Build();
        fake.MapPost("/v1/chat/completions", () =>
        {
            // First the desk agent (sends a Lookup), then the writer agent (sends the LlmReply).
            var text = Interlocked.Increment(ref calls) == 1
                ? "<Lookup><City>Oslo</City></Lookup>"
                : "<LlmReply><Text>Bring a coat: -3.5 °C and light snow in Oslo.</Text></LlmReply>";
            return Results.Json(new JsonObject
            {
                ["model"] = "llama3.2",
                ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text } }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 300, ["completion_tokens"] = 20 },
            });
        });
        fake.MapGet("/weather", (string city) => Results.Json(new JsonObject { ["city"] = city, ["temp_c"] = -3.5, ["summary"] = "light snow" }));
        await fake.StartAsync();
        var address = fake.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "examples", "llm-http.yaml")))
            .Replace("http://127.0.0.1:11434", address, StringComparison.Ordinal)
            .Replace("http://127.0.0.1:8081", address, StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"llm-http-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        // The operator allow-lists loopback for this run; by default the egress guard refuses it.
        var config = Path.Combine(Path.GetTempPath(), $"nextra-{Guid.NewGuid():N}.toml");
        await File.WriteAllTextAsync(config, "[egress]\nallow_list = [\"127.0.0.1\"]\n");
        var dataDir = Path.Combine(Path.GetTempPath(), $"nextra-data-{Guid.NewGuid():N}");
        try
        {
            var (blockedCode, blockedOut, _) = await NextraProcess.RunAsync("run", file, "--data-dir", dataDir,
                "--inject", "<Question><Text>Coat in Oslo?</Text></Question>", "--timeout", "30");
            Assert.Equal(1, blockedCode);
            Assert.Contains("is not a public address (add the address to the server", blockedOut, StringComparison.Ordinal);
            Assert.Equal(0, calls);

            var (code, stdout, stderr) = await NextraProcess.RunAsync("run", file, "--config", config, "--data-dir", dataDir,
                "--inject", "<Question><Text>Coat in Oslo?</Text></Question>", "--timeout", "30");
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            var run = JsonNode.Parse(stdout)!;
            Assert.Equal("succeeded", run["status"]!.GetValue<string>());
            Assert.Equal("Bring a coat: -3.5 °C and light snow in Oslo.", run["outputs"]![0]!["payload"]!["Text"]!.GetValue<string>());
            Assert.Equal(300, run["steps"]![0]!["promptTokens"]!.GetValue<int>());
            Assert.Equal(2, calls);
        }
        finally
        {
            File.Delete(file);
            File.Delete(config);
            if (Directory.Exists(dataDir))
                Directory.Delete(dataDir, recursive: true);
        }
    }
}
