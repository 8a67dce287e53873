using System.Text.Json.Nodes;
using System.Xml.XPath;

namespace Nextra.Pump.Handlers;

/// <summary>
/// Validates and builds <see cref="BranchHandler"/>s from
/// <c>config: {cases: [{if: XPATH, to: LISTENER}], else: LISTENER}</c>. XPath is evaluated with the
/// payload element as context node, e.g. <c>Priority &gt; 3</c> or <c>contains(Subject, 'refund')</c>.
/// </summary>
public sealed class BranchHandlerFactory : IHandlerFactory
{
    public string Kind => "branch";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        Parse(context.Listener.Config, context.Flow.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal), problems);
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var (cases, otherwise) = Parse(context.Listener.Config, context.Flow.Listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal), problems);
        if (problems.Count > 0)
        {
            throw new HandlerException(problems[0].Code, problems[0].Message);
        }
        return new BranchHandler(cases, otherwise);
    }

    private static (List<(XPathExpression, string)> Cases, string? Else) Parse(JsonObject? config, HashSet<string> listeners, List<HandlerConfigProblem> problems)
    {
        var cases = new List<(XPathExpression, string)>();
        string? otherwise = null;
        if (config is null)
        {
            problems.Add(new("missing_field", "branch needs config: {cases: [{if: XPATH, to: LISTENER}], else: LISTENER}"));
            return (cases, null);
        }
        foreach (var (key, _) in config)
        {
            if (key is not ("cases" or "else"))
            {
                problems.Add(new("unknown_key", $"unknown branch config key '{key}'; allowed: cases, else", key));
            }
        }
        switch (config["cases"])
        {
            case null when config["else"] is null:
                problems.Add(new("missing_field", "branch needs 'cases' (and optionally 'else')", "cases"));
                break;
            case null:
                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    var at = $"cases[{i}]";
                    if (arr[i] is not JsonObject c)
                    {
                        problems.Add(new("invalid_type", $"{at} must be a mapping {{if: XPATH, to: LISTENER}}", at));
                        continue;
                    }
                    foreach (var (key, _) in c)
                    {
                        if (key is not ("if" or "to"))
                        {
                            problems.Add(new("unknown_key", $"unknown key '{key}' in {at}; allowed: if, to", $"{at}.{key}"));
                        }
                    }
                    var cond = Text(c["if"]);
                    var to = Text(c["to"]);
                    XPathExpression? expr = null;
                    if (cond is null)
                    {
                        problems.Add(new("missing_field", $"{at} needs 'if' (an XPath 1.0 expression)", at));
                    }
                    else
                    {
                        try
                        {
                            expr = XPathExpression.Compile(cond);
                        }
                        catch (XPathException ex)
                        {
                            problems.Add(new("bad_xpath", $"{at}.if '{cond}' is not valid XPath 1.0: {ex.Message}", $"{at}.if"));
                        }
                        if (expr is not null && XPathSupport.Unsupported(cond) is { Count: > 0 } unsupported)
                        {
                            problems.Add(new("unsupported_xpath",
                                $"{at}.if '{cond}' uses {string.Join(", ", unsupported.Distinct())}: a branch condition may use XPath 1.0's core functions "
                                + "over the payload, without variables, namespace prefixes or XSLT/extension functions", $"{at}.if"));
                            expr = null;
                        }
                    }
                    if (to is null)
                    {
                        problems.Add(new("missing_field", $"{at} needs 'to' (a listener name)", at));
                    }
                    else if (!listeners.Contains(to))
                    {
                        problems.Add(new("unknown_target", $"{at}.to '{to}' is no listener", $"{at}.to"));
                    }
                    if (expr is not null && to is not null)
                    {
                        cases.Add((expr, to));
                    }
                }
                break;
            default:
                problems.Add(new("invalid_type", "cases must be a list of {if, to}", "cases"));
                break;
        }
        if (config["else"] is { } elseNode)
        {
            otherwise = Text(elseNode);
            if (otherwise is null)
            {
                problems.Add(new("invalid_type", "else must be a listener name", "else"));
            }
            else if (!listeners.Contains(otherwise))
            {
                problems.Add(new("unknown_target", $"else '{otherwise}' is no listener", "else"));
            }
        }
        return (cases, otherwise);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node is JsonValue nv ? nv.ToJsonString() : null;
}
