using System.Net;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Tiers;

internal static class Problems
{
    /// <summary>Asserts a quota_exceeded problem with <paramref name="status"/> whose detail contains <paramref name="detail"/>.</summary>
    public static async Task<JsonNode> AssertQuotaAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!;
        Assert.Equal("quota_exceeded", body["code"]!.GetValue<string>());
        Assert.Contains(detail, body["detail"]!.GetValue<string>());
        return body;
    }
}
