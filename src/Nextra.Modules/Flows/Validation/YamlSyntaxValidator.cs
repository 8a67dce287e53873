using Nextra.Pump.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nextra.Modules.Flows.Validation;

/// <summary>Default <see cref="IFlowValidator"/>: YAML syntax and a mapping at the root, nothing more.</summary>
internal sealed class YamlSyntaxValidator : IFlowValidator
{
    public Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string organismYaml, CancellationToken ct) =>
        Task.FromResult(Validate(organismYaml));

    internal static IReadOnlyList<ValidationProblem> Validate(string organismYaml)
    {
        if (string.IsNullOrWhiteSpace(organismYaml))
        {
            return [new ValidationProblem(1, 1, "empty_document", "The flow document is empty.")];
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(organismYaml));
        }
        catch (YamlException ex)
        {
            // YamlDotNet marks are 1-based already.
            var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            return [new ValidationProblem((int)ex.Start.Line, (int)ex.Start.Column, "yaml_syntax", message)];
        }
        if (stream.Documents.Count == 0)
        {
            return [new ValidationProblem(1, 1, "empty_document", "The flow document is empty.")];
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            return [new ValidationProblem((int)second.Line, (int)second.Column, "multiple_documents", "Put one flow in one document.")];
        }
        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            return [new ValidationProblem((int)root.Start.Line, (int)root.Start.Column, "not_a_mapping", "The flow document must be a mapping of keys (name:, listeners:, …).")];
        }
        return [];
    }

    /// <summary>A top-level scalar such as <c>name</c> of an already valid document, or null.</summary>
    internal static string? TopLevelScalar(string organismYaml, string key)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(organismYaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
                return null;
            // organism.yaml keeps name/description under `organism:`; a bare top-level key is accepted too.
            if (map.Children.TryGetValue(new YamlScalarNode("organism"), out var organism)
                && organism is YamlMappingNode header
                && header.Children.TryGetValue(new YamlScalarNode(key), out var inner)
                && inner is YamlScalarNode { Value: { Length: > 0 } innerValue })
                return innerValue;
            return map.Children.TryGetValue(new YamlScalarNode(key), out var node)
                && node is YamlScalarNode { Value: { Length: > 0 } value }
                ? value
                : null;
        }
        catch (YamlException)
        {
            return null;
        }
    }
}
