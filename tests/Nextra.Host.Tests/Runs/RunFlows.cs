using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

/// <summary>Helpers to create and start the run-time tests' flows (<see cref="TestFlows"/>) over HTTP and to call their webhooks.</summary>
public static class RunFlows
{
    /// <summary>Creates and starts a flow; returns its id and webhook URL (path and query only; empty when it has no webhook).</summary>
    public static async Task<(string FlowId, string Hook)> DeployAsync(HttpClient client, string yaml = TestFlows.Greeter, bool start = true)
    {
        var created = await Json.PostAsync(client, "/api/flows", new { name = "greeter", description = "", organismYaml = yaml, canvasState = new { } }, 201);
        var id = created["id"]!.GetValue<string>();
        if (start)
        {
            var status = await Json.PostAsync(client, $"/api/flows/{id}/start", new { }, 200);
            Assert.Equal("running", status["status"]!.GetValue<string>());
        }
        var triggers = await client.GetFromJsonAsync<JsonArray>($"/api/flows/{id}/triggers");
        var url = triggers!.SingleOrDefault(t => t!["type"]!.GetValue<string>() == "webhook")?["url"]!.GetValue<string>();
        return (id, url is null ? "" : new Uri(url).PathAndQuery);
    }

    public static async Task<JsonNode> SendAsync(HttpClient client, string hook, string body, HttpStatusCode expected, string query = "?wait=10")
    {
        var response = await client.PostAsync(hook + query, Json.Body(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"POST {hook}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
