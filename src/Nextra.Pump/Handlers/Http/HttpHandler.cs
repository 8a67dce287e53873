using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Nextra.Pump.Messages;
using Nextra.Pump.Net;

namespace Nextra.Pump.Handlers.Http;

/// <summary>
/// <c>handler: http</c>: one request through the guarded egress client, its answer as
/// <c>HttpResponse{Status, Headers, Body}</c> (or <c>response_payload</c> mapped from a JSON body),
/// forwarded to the listener's peer or responded when it has none.
/// </summary>
public sealed class HttpHandler(HttpHandlerConfig config, EgressOptions egress) : IHandler
{
    public async ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var payload = context.Schema.ToJson(context.Payload);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in config.Headers.SelectMany(h => Placeholders.SecretNames(h.Value)).Distinct())
            secrets[name] = await context.Services.Secrets.GetAsync(name, ct).ConfigureAwait(false)
                ?? throw new HandlerException("secret_missing", $"secret '{name}' is not set");

        var url = Placeholders.Render(config.Url, payload, PlaceholderMode.Url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new HandlerException("http_bad_url", $"'{url}' is not an absolute URL");
        using var request = new HttpRequestMessage(new HttpMethod(config.Method), uri);
        var contentHeaders = new List<KeyValuePair<string, string>>();
        var sensitive = new List<string>();
        foreach (var (name, template) in config.Headers)
        {
            var value = Placeholders.Render(template, payload, PlaceholderMode.Plain, secrets);
            if (Placeholders.SecretNames(template).Any())
                sensitive.Add(name);
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                contentHeaders.Add(new(name, value));
            else if (!request.Headers.TryAddWithoutValidation(name, value))
                throw new HandlerException("http_bad_header", $"header '{name}' cannot be set");
        }
        request.Content = Body(payload, contentHeaders);
        if (sensitive.Count > 0)
            request.Options.Set(EgressHttp.SensitiveHeadersOption, sensitive.ToArray());

        var timeout = egress.ClampTimeout(config.TimeoutSeconds ?? context.Listener.TimeoutSeconds);
        var (status, headers, body) = await EgressHttp.SendAsync(context.Services.Egress, request, timeout, HttpCompletionOption.ResponseContentRead,
            async (response, token) => ((int)response.StatusCode, Headers(response), await response.Content.ReadAsStringAsync(token).ConfigureAwait(false)),
            context.Services.Time, ct).ConfigureAwait(false);

        // A server may echo what it was sent (Authorization, tokens): secret values never reach the run trace.
        body = Redact(body, secrets);
        headers = headers.Select(h => new KeyValuePair<string, string>(h.Key, Redact(h.Value, secrets))).ToList();
        var result = BuildPayload(context, status, headers, body);
        return Route(context, result);
    }

    private HttpContent? Body(JsonObject payload, List<KeyValuePair<string, string>> contentHeaders)
    {
        if (config.Body is null)
            return null;
        var declaredType = contentHeaders.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        HttpContent content;
        if (config.Body is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var template = v.GetValue<string>();
            var trimmed = template.TrimStart();
            var json = declaredType?.Contains("json", StringComparison.OrdinalIgnoreCase)
                ?? (trimmed.StartsWith('{') || trimmed.StartsWith('['));
            content = new StringContent(Placeholders.Render(template, payload, json ? PlaceholderMode.Json : PlaceholderMode.Plain), Encoding.UTF8,
                json ? "application/json" : "text/plain");
        }
        else
            content = new StringContent(Placeholders.RenderNode(config.Body, payload)?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");
        foreach (var (name, value) in contentHeaders)
        {
            content.Headers.Remove(name);
            if (!content.Headers.TryAddWithoutValidation(name, value))
                throw new HandlerException("http_bad_header", $"header '{name}' cannot be set");
        }
        return content;
    }

    private static List<KeyValuePair<string, string>> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))
            .ToList();

    private XElement BuildPayload(HandlerContext context, int status, List<KeyValuePair<string, string>> headers, string body)
    {
        var schema = context.Schemas.Find(config.ResponsePayload)
            ?? throw new HandlerException("unknown_payload", $"response_payload '{config.ResponsePayload}' is not declared");
        if (config.ResponsePayload == HttpHandlerConfig.DefaultResponsePayload)
        {
            var headerXml = string.Concat(headers.Select(h => new XElement("Header", new XAttribute("name", XmlSafe(h.Key)), XmlSafe(h.Value)).ToString(SaveOptions.DisableFormatting)));
            return schema.FromJson(new JsonObject { ["Status"] = (long)status, ["Headers"] = headerXml, ["Body"] = XmlSafe(body) });
        }
        if (status is < 200 or > 299)
            throw new HandlerException("http_status", $"HTTP {status} from {config.Method} {HostOf(config.Url)}: {Clip(body)}");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new HandlerException("http_response_mapping", $"response body is not a JSON object for {config.ResponsePayload}: {e.Message}", e);
        }
        // APIs answer with more than a flow needs: keep only the keys that name a field of the class.
        if (context.Flow.Payloads.TryGetValue(config.ResponsePayload, out var definition))
        {
            var fields = definition.Fields.Select(f => FieldSpec.Loose(f.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var key in json.Select(p => p.Key).Where(k => !fields.Contains(FieldSpec.Loose(k))).ToList())
                json.Remove(key);
        }
        try
        {
            return schema.FromJson(json);
        }
        catch (PayloadMappingException e)
        {
            throw new HandlerException("http_response_mapping", $"response does not fit {config.ResponsePayload}: {e.Message}", e);
        }
    }

    /// <summary>Forward to the one peer (the one accepting the class, when several), respond when there is none.</summary>
    private static HandlerResult Route(HandlerContext context, XElement payload)
    {
        var peers = context.Peers.Where(p => !p.IsSelf).ToList();
        if (peers.Count == 0)
            return HandlerResult.Respond(payload);
        var accepting = peers.Where(p => p.PayloadClass == payload.Name.LocalName).ToList();
        if (accepting.Count == 1)
            return HandlerResult.Forward(payload, accepting[0].Name);
        if (peers.Count == 1)
            return HandlerResult.Forward(payload, peers[0].Name);
        throw new HandlerException("http_unroutable",
            $"{payload.Name.LocalName} is accepted by {accepting.Count} of the peers {string.Join(", ", peers.Select(p => p.Name))}; keep one");
    }

    private static string Redact(string text, Dictionary<string, string> secrets)
    {
        foreach (var (name, value) in secrets)
        {
            if (value.Length >= 4)
                text = text.Replace(value, $"[secret:{name}]", StringComparison.Ordinal);
        }
        return text;
    }

    private static string XmlSafe(string s) => s.All(XmlConvert.IsXmlChar) ? s : new string(s.Where(XmlConvert.IsXmlChar).ToArray());

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "…" : s;

    private static string HostOf(string url) => Uri.TryCreate(Placeholders.Pattern().Replace(url, "x"), UriKind.Absolute, out var u) ? u.Host : url;
}
