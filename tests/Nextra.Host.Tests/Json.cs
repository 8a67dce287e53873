using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests;

/// <summary>Small helpers for reading API responses as JSON trees.</summary>
public static class Json
{
    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    public static async Task<JsonNode> PostAsync(HttpClient client, string url, object body, int expectedStatus)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"POST {url}: expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> PutAsync(HttpClient client, string url, object body, int expectedStatus)
    {
        var response = await client.PutAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"PUT {url}: expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static string Serialize(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
