using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Wasmtime;

namespace Nextra.Pump.Wasm;

internal static partial class WasmHostFunctions
{
    /// <summary>
    /// Request JSON <c>{"method","url","headers":{},"body"}</c> → response JSON
    /// <c>{"status","headers":{},"body"}</c>, or <c>{"error": "..."}</c> when the guarded client refused or failed.
    /// </summary>
    private static long HttpFetch(Caller caller, int reqPtr, int reqLen)
    {
        var state = State(caller);
        var requestText = Encoding.UTF8.GetString(Span(caller, reqPtr, reqLen, 1 << 20));
        JsonObject response;
        if (state.Services is not { } services)
            response = Error("no HTTP client in this context");
        else
        {
            try
            {
                response = Fetch(services.Egress, requestText, state);
            }
            catch (OperationCanceledException) when (state.CancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or JsonException or FormatException
                                           or InvalidOperationException or Nextra.Pump.Handlers.HandlerException or UriFormatException)
            {
                response = ex switch
                {
                    OperationCanceledException => Error("timed out", Nextra.Pump.Net.EgressException.Timeout),
                    Nextra.Pump.Handlers.HandlerException h => Error(h.Message, h.Code),
                    _ when Nextra.Pump.Net.EgressHttp.Classify(ex, null) is { } coded => Error(coded.Message, coded.Code),
                    _ => Error(ex.Message, "http_bad_request"),
                };
            }
        }
        return WriteToGuest(caller, state, Encoding.UTF8.GetBytes(response.ToJsonString()));
    }

    private static JsonObject Fetch(HttpClient client, string requestText, WasmCallState state)
    {
        var req = JsonNode.Parse(requestText) as JsonObject ?? throw new FormatException("request must be a JSON object");
        var url = req["url"]?.GetValue<string>() ?? throw new FormatException("request.url is required");
        var isAbsolute = Uri.TryCreate(url, UriKind.Absolute, out var absolute);
        // A granted host list accepts only absolute URLs it names (a relative or authority-less URL must not pick its own host).
        if (state.AllowsUrl is { } allows && (!isAbsolute || !allows(absolute!)))
            throw new Nextra.Pump.Handlers.HandlerException(Nextra.Pump.Net.EgressException.HostNotGranted, $"{url}: this host is not in the tool's granted hosts");
        using var message = new HttpRequestMessage(new HttpMethod(req["method"]?.GetValue<string>() ?? "GET"), url);
        if (req["body"] is { } body)
            message.Content = new StringContent(body.GetValueKind() == JsonValueKind.String ? body.GetValue<string>() : body.ToJsonString(), Encoding.UTF8);
        var withSecrets = new List<string>();
        if (req["headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                var v = value?.ToString() ?? "";
                if (state.Secrets is { } grants && SecretRef().IsMatch(v))
                {
                    v = WithSecrets(v, isAbsolute ? absolute! : null, grants, state);
                    withSecrets.Add(name);
                }
                if (!message.Headers.TryAddWithoutValidation(name, v))
                    message.Content?.Headers.TryAddWithoutValidation(name, v);
            }
        }
        // Every hop, redirects included, stays within the granted hosts; a header holding a secret is dropped when a redirect leaves the origin.
        if (state.AllowsUrl is { } granted)
            message.Options.Set(Nextra.Pump.Net.EgressHttp.AllowedTargetsOption, granted);
        if (withSecrets.Count > 0)
            message.Options.Set(Nextra.Pump.Net.EgressHttp.SensitiveHeadersOption, withSecrets.ToArray());
        // The guest cannot be interrupted while the host waits, so the wait is bounded by the call's remaining time.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(state.CancellationToken);
        var remaining = state.Remaining;
        cts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
        using var resp = Block(new ValueTask<HttpResponseMessage>(client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cts.Token)));
        var bytes = ReadCapped(resp.Content.ReadAsStream(cts.Token), state.Options.MaxHttpResponseBytes, out var truncated);
        var outHeaders = new JsonObject();
        foreach (var h in resp.Headers.Concat(resp.Content.Headers))
            outHeaders[h.Key.ToLowerInvariant()] = string.Join(", ", h.Value);
        var result = new JsonObject
        {
            ["status"] = (int)resp.StatusCode,
            ["headers"] = outHeaders,
            ["body"] = Encoding.UTF8.GetString(bytes),
        };
        if (truncated)
            result["truncated"] = true;
        return result;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{\s*secret:([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{secret:([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial System.Text.RegularExpressions.Regex SecretRef();

    /// <summary>
    /// Puts granted secrets' values into a header value. Each secret goes only to its own hosts: a request elsewhere is refused
    /// before anything is sent (<c>secret_host_not_granted</c>); an ungranted name is <c>secret_not_granted</c>; a binding to a
    /// tenant secret that does not exist is <c>secrets_unbound</c>. Messages name secrets, never values.
    /// </summary>
    private static string WithSecrets(string value, Uri? target, IReadOnlyList<WasmSecretGrant> grants, WasmCallState state) =>
        SecretRef().Replace(value, m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            var grant = grants.FirstOrDefault(g => g.Name == name)
                ?? throw new Nextra.Pump.Handlers.HandlerException("secret_not_granted", $"the tool's manifest grants no secret {name}");
            if (target is null || !grant.AllowsUrl(target))
                throw new Nextra.Pump.Handlers.HandlerException("secret_host_not_granted",
                    $"the secret {name} may only be sent to its own hosts; {target?.GetLeftPart(UriPartial.Authority) ?? "a relative URL"} is not one of them");
            var secret = state.Services is { } services ? Block(services.Secrets.GetAsync(grant.Binding, state.CancellationToken)) : null;
            return secret ?? throw new Nextra.Pump.Handlers.HandlerException("secrets_unbound",
                $"the secret {name} is bound to the tenant secret {grant.Binding}, which does not exist: create it in Settings → Secrets");
        });

    private static byte[] ReadCapped(Stream stream, int max, out bool truncated)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, max + 1L - ms.Length))) > 0)
        {
            ms.Write(buffer, 0, n);
            if (ms.Length > max)
                break;
        }
        truncated = ms.Length > max;
        return truncated ? ms.GetBuffer().AsSpan(0, max).ToArray() : ms.ToArray();
    }

    private static JsonObject Error(string message, string? code = null)
    {
        var error = new JsonObject { ["error"] = message };
        if (code is not null)
            error["code"] = code;
        return error;
    }
}
