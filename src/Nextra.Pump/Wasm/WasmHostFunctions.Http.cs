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
        using var message = new HttpRequestMessage(new HttpMethod(req["method"]?.GetValue<string>() ?? "GET"), url);
        if (req["body"] is { } body)
            message.Content = new StringContent(body.GetValueKind() == JsonValueKind.String ? body.GetValue<string>() : body.ToJsonString(), Encoding.UTF8);
        if (req["headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                var v = value?.ToString() ?? "";
                if (!message.Headers.TryAddWithoutValidation(name, v))
                    message.Content?.Headers.TryAddWithoutValidation(name, v);
            }
        }
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
