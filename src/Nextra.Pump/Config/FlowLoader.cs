using Nextra.Pump.Config.Yaml;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Config;

/// <summary>
/// Loads and validates organism.yaml. Reports every problem at once, each located (line/column)
/// with a stable code; never throws for bad input.
/// </summary>
public static class FlowLoader
{
    /// <summary>Parses and validates <paramref name="yaml"/>. <paramref name="registry"/> decides which handler kinds exist
    /// (null = built-ins only, so llm/http/code/dotnet report <c>handler_unavailable</c>).</summary>
    public static FlowLoadResult Load(string yaml, HandlerRegistry? registry = null)
    {
        registry ??= new HandlerRegistry();
        var problems = new ProblemSink();
        FlowDefinition? flow = null;
        try
        {
            var root = YamlTreeReader.Read(yaml ?? "", problems);
            if (root is null)
            {
                if (problems.Count == 0)
                {
                    problems.Add(1, 1, "missing_field", "the document is empty; a flow needs at least 'organism' and 'listeners'");
                }
            }
            else if (root is not YMapping map)
            {
                problems.Add(root, "invalid_type", "the document must be a mapping (organism:, listeners:, …)");
            }
            else
            {
                flow = new FlowParser(problems, registry).Parse(map);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The loader promises never to throw: an unexpected failure is still a located, coded problem.
            problems.Add(0, 0, "internal_error", "the loader failed unexpectedly: " + ex.Message);
        }
        var sorted = problems.Items.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
        return new FlowLoadResult { Flow = sorted.Count == 0 ? flow : null, Problems = sorted };
    }

    /// <summary>
    /// Whether the document opts into project memory (<c>project_memory: true</c> at its top level), read without
    /// validating the rest (the memory API's check on a stored flow); false for a document that cannot be read.
    /// </summary>
    public static bool OptsIntoProjectMemory(string yaml)
    {
        var problems = new ProblemSink();
        try
        {
            return YamlTreeReader.Read(yaml ?? "", problems) is YMapping map
                && YamlValues.Bool(map.Get("project_memory"), problems, "project_memory") == true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>Reads and loads a file; an unreadable file is a problem with code <c>file_unreadable</c>.</summary>
    public static FlowLoadResult LoadFile(string path, HandlerRegistry? registry = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new FlowLoadResult { Problems = [new ValidationProblem(0, 0, "file_unreadable", ex.Message)] };
        }
        return Load(text, registry);
    }
}
