using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;

namespace Nextra.Modules.Flows;

/// <summary>One flow to start from: a bundled example (examples/*.yaml) with what it shows.</summary>
/// <param name="Id">The example's file name without <c>.yaml</c>.</param>
/// <param name="Name">Its <c>organism.name</c>.</param>
/// <param name="Description">Its <c>organism.description</c>, else the first line of its leading comment.</param>
/// <param name="Summary">The leading comment, without <c>#</c> and without the run-it command lines.</param>
public sealed record FlowTemplate(string Id, string Name, string Description, string Summary, string OrganismYaml);

/// <summary>
/// The bundled examples as templates ("Start from a template" on an empty dashboard). They are embedded
/// in the binary from the repository's examples/ folder, so every example opens from the UI.
/// </summary>
internal static class FlowTemplates
{
    private const string Prefix = "examples/";
    private static readonly Lazy<FlowTemplate[]> All = new(Load);

    public static IReadOnlyList<FlowTemplate> List() => All.Value;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/templates", () => TypedResults.Ok(All.Value)).WithTags("Flows")
            .WithName("ListTemplates").WithSummary("Bundled example flows to start from (create one with POST /api/flows/import).");

    private static FlowTemplate[] Load()
    {
        var asm = typeof(FlowTemplates).Assembly;
        return [.. asm.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(n => Parse(n[Prefix.Length..^".yaml".Length], Read(asm, n)))];
    }

    private static string Read(Assembly asm, string name)
    {
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static FlowTemplate Parse(string id, string yaml)
    {
        var lines = yaml.Replace("\r\n", "\n").Split('\n');
        var comment = lines.TakeWhile(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim())
            .Where(l => !l.StartsWith("nextra ", StringComparison.Ordinal) && !l.StartsWith("Run it:", StringComparison.Ordinal)).ToList();
        var name = Validation.YamlSyntaxValidator.TopLevelScalar(yaml, "name") ?? id;
        var description = Validation.YamlSyntaxValidator.TopLevelScalar(yaml, "description") ?? comment.FirstOrDefault() ?? "";
        return new FlowTemplate(id, name, description, string.Join(' ', comment).Trim(), yaml);
    }
}
