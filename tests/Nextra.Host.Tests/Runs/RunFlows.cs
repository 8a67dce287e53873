using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Runs;

/// <summary>Flows the run-time API tests deploy, and helpers to create and start them over HTTP.</summary>
public static class RunFlows
{
    /// <summary>webhook → branch → output.</summary>
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

    /// <summary>Creates and starts a flow; returns its id and webhook URL (path and query only).</summary>
    public static async Task<(string FlowId, string Hook)> DeployAsync(HttpClient client, string yaml = Greeter, bool start = true)
    {
        var created = await Json.PostAsync(client, "/api/flows", new { name = "greeter", description = "", organismYaml = yaml, canvasState = new { } }, 201);
        var id = created["id"]!.GetValue<string>();
        if (start)
        {
            var status = await Json.PostAsync(client, $"/api/flows/{id}/start", new { }, 200);
            Assert.Equal("running", status["status"]!.GetValue<string>());
        }
        var triggers = await client.GetFromJsonAsync<JsonArray>($"/api/flows/{id}/triggers");
        var url = triggers!.Single(t => t!["type"]!.GetValue<string>() == "webhook")!["url"]!.GetValue<string>();
        return (id, new Uri(url).PathAndQuery);
    }

    public static async Task<JsonNode> SendAsync(HttpClient client, string hook, string body, HttpStatusCode expected, string query = "?wait=10")
    {
        var response = await client.PostAsync(hook + query, Json.Body(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"POST {hook}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
