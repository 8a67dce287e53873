using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nextra.Host.Tests.Api;

/// <summary>"Start from a template" (issue 16): every bundled example is listed and opens as a flow.</summary>
public sealed class TemplatesApiTests(NextraFactory factory) : IClassFixture<NextraFactory>
{
    private static string ExamplesDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "examples"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no examples/ above the test output"), "examples");
    }

    [Fact]
    public async Task Templates_ListEveryExample_WithNameAndDescription()
    {
        var owner = await factory.CreateUserAsync("templates-list", Nextra.Modules.Common.Role.Viewer);
        var templates = await owner.Client.GetFromJsonAsync<JsonArray>("/api/templates");
        var ids = templates!.Select(t => t!["id"]!.GetValue<string>()).ToList();
        var files = Directory.GetFiles(ExamplesDir(), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, ids);
        var branch = templates!.Single(t => t!["id"]!.GetValue<string>() == "branch")!;
        Assert.Equal("ticket-router", branch["name"]!.GetValue<string>());
        Assert.Equal("Sends urgent tickets one way and the rest another", branch["description"]!.GetValue<string>());
        Assert.StartsWith("Route tickets by priority", branch["summary"]!.GetValue<string>());
        Assert.Equal(File.ReadAllText(Path.Combine(ExamplesDir(), "branch.yaml")), branch["organismYaml"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryTemplate_Imports_AsAValidFlow()
    {
        var owner = await factory.CreateUserAsync("templates-open");
        var templates = await owner.Client.GetFromJsonAsync<JsonArray>("/api/templates");
        var failures = new List<string>();
        foreach (var t in templates!)
        {
            var response = await owner.Client.PostAsJsonAsync("/api/flows/import", new { organismYaml = t!["organismYaml"]!.GetValue<string>() });
            if (response.StatusCode != HttpStatusCode.Created)
                failures.Add($"{t["id"]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Empty(failures);
    }
}
