using System.Text.Json;
using System.Text.Json.Nodes;
using Nextra.Pump.Config;

namespace Nextra.Pump.Handlers.Http;

/// <summary>A <c>handler: http</c> listener's <c>config:</c>.</summary>
public sealed record HttpHandlerConfig
{
    public const string DefaultResponsePayload = "HttpResponse";
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public required string Method { get; init; }
    public required string Url { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    /// <summary>A string template, or a mapping/list sent as JSON with typed placeholders.</summary>
    public JsonNode? Body { get; init; }
    public double? TimeoutSeconds { get; init; }
    public string ResponsePayload { get; init; } = DefaultResponsePayload;

    public static HttpHandlerConfig Parse(JsonObject? config, List<HandlerConfigProblem> problems)
    {
        var r = new ConfigReader(config, problems);
        r.RejectUnknown("http", "method", "url", "headers", "body", "timeout_seconds", "response_payload");
        var url = r.String("url");
        if (string.IsNullOrWhiteSpace(url))
            r.Problem("missing_field", "config.url is required", "url");
        else if (!Uri.TryCreate(Placeholders.Pattern().Replace(url, "x"), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            r.Problem("invalid_value", $"config.url '{url}' must be an absolute http(s) URL", "url");
        var body = r.Node("body");
        var method = (r.String("method") ?? (body is null ? "GET" : "POST")).ToUpperInvariant();
        if (!Methods.Contains(method))
            r.Problem("invalid_value", $"config.method '{method}' is not one of {string.Join(", ", Methods)}", "method");
        var headers = new List<KeyValuePair<string, string>>();
        switch (r.Node("headers"))
        {
            case null:
                break;
            case JsonObject map:
                foreach (var (name, value) in map)
                {
                    if (value is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                        headers.Add(new(name, v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()));
                    else
                        r.Problem("invalid_type", $"config.headers.{name} must be a string", "headers");
                }
                break;
            default:
                r.Problem("invalid_type", "config.headers must be a mapping of header name to value", "headers");
                break;
        }
        var timeout = r.Double("timeout_seconds");
        if (timeout is <= 0)
            r.Problem("invalid_value", "config.timeout_seconds must be positive", "timeout_seconds");
        return new HttpHandlerConfig
        {
            Method = method,
            Url = url ?? "",
            Headers = headers,
            Body = body?.DeepClone(),
            TimeoutSeconds = timeout,
            ResponsePayload = r.String("response_payload") ?? DefaultResponsePayload,
        };
    }

    /// <summary>Checks placeholders against the listener's payload class and secrets' placement.</summary>
    public void CheckPlaceholders(FlowDefinition flow, ListenerDefinition listener, List<HandlerConfigProblem> problems)
    {
        flow.Payloads.TryGetValue(listener.PayloadClass, out var cls);
        void Check(string template, string key, bool secretsAllowed)
        {
            foreach (var name in Placeholders.Names(template))
            {
                if (name.StartsWith("secret:", StringComparison.Ordinal))
                {
                    if (!secretsAllowed)
                        problems.Add(new HandlerConfigProblem("invalid_value", $"{{{{{name}}}}} may only be used in headers", key));
                    continue;
                }
                var top = name.Split('.')[0];
                if (cls is not null && !cls.Fields.Any(f => f.Name.Equals(top, StringComparison.OrdinalIgnoreCase)))
                    problems.Add(new HandlerConfigProblem("unknown_field", $"{{{{{name}}}}}: payload class {cls.Name} has no field {top}", key));
            }
        }
        Check(Url, "url", false);
        foreach (var (_, value) in Headers)
            Check(value, "headers", true);
        foreach (var s in Strings(Body))
            Check(s, "body", false);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };
}
