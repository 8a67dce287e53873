using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Nextra.Pump.Net;

namespace Nextra.Pump.Llm;

/// <summary>
/// What provider clients share: the send-and-read skeleton (<see cref="PostAsync"/>), status mapping, Retry-After,
/// body and stream-event reading, and the completion with its usage (estimated where the server sent none).
/// </summary>
internal static class ProviderHttp
{
    private const int ErrorBodyChars = 500;

    /// <summary>
    /// POSTs <paramref name="body"/> as JSON through the guarded client within the backend's timeout, maps a failed
    /// status to its <see cref="LlmProviderException"/>, then reads the answer as an event stream or as one JSON
    /// document: a server may ignore "stream", so the content type decides, not the request.
    /// </summary>
    public static Task<ChatCompletion> PostAsync<T>(HttpClient http, LlmBackend backend, string path, T body, JsonTypeInfo<T> type, bool stream,
        Action<HttpRequestMessage> headers, Func<HttpResponseMessage, CancellationToken, Task<ChatCompletion>> readStream,
        Func<HttpResponseMessage, CancellationToken, Task<ChatCompletion>> readWhole, TimeProvider time, CancellationToken ct)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(backend.BaseUrl, path)) { Content = Json(body, type) };
        message.Headers.Accept.ParseAdd(stream ? "text/event-stream" : "application/json");
        headers(message);
        return EgressHttp.SendAsync(http, message, backend.Timeout, HttpCompletionOption.ResponseHeadersRead,
            async (response, token) =>
            {
                await EnsureSuccessAsync(response, time, token).ConfigureAwait(false);
                return IsEventStream(response)
                    ? await readStream(response, token).ConfigureAwait(false)
                    : await readWhole(response, token).ConfigureAwait(false);
            }, time, ct);
    }

    /// <summary>One stream event's JSON; a malformed one fails the call (<paramref name="what"/> names it in the error).</summary>
    public static JsonDocument ParseEvent(string data, string what)
    {
        try
        {
            return JsonDocument.Parse(data);
        }
        catch (JsonException e)
        {
            throw Malformed($"bad stream {what}: {(data.Length > 200 ? data[..200] + "…" : data)}", e);
        }
    }

    /// <summary>The answer with its usage; counts the server did not send are estimated (and marked so).</summary>
    public static ChatCompletion Completion(LlmBackend backend, ChatRequest request, string? model, string text, int? prompt, int? completion) => new()
    {
        Text = text,
        Model = model ?? request.Model,
        Backend = backend.Name,
        PromptTokens = prompt ?? Estimate(request.Messages),
        CompletionTokens = completion ?? Estimate(text),
        UsageEstimated = prompt is null || completion is null,
    };

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, TimeProvider time, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await ReadSnippetAsync(response, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var message = $"HTTP {status} from {response.RequestMessage?.RequestUri?.Host}: {body}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
            throw new LlmProviderException(LlmFailureKind.RateLimited, message, RetryAfter(response, time));
        if (status >= 500)
            throw new LlmProviderException(LlmFailureKind.Server, message, RetryAfter(response, time));
        throw new LlmProviderException(LlmFailureKind.Rejected, message);
    }

    /// <summary>Retry-After as seconds or an HTTP date; null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        // Some servers send fractional seconds, which the typed header rejects.
        if (response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        return null;
    }

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return text.Length > ErrorBodyChars ? text[..ErrorBodyChars] + "…" : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "(body unreadable)";
        }
    }

    /// <summary>
    /// A JSON body with a Content-Length (some self-hosted servers refuse chunked request bodies) that can be
    /// sent again on a 307/308 redirect.
    /// </summary>
    public static HttpContent Json<T>(T body, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw Malformed(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, ErrorBodyChars)), e);
        }
    }

    public static LlmProviderException Malformed(string detail, Exception? inner = null) =>
        new(LlmFailureKind.Malformed, $"Malformed provider response: {detail}", null, inner);

    public static int Estimate(string text) => Math.Max(1, text.Length / 4);

    public static int Estimate(IEnumerable<ChatMessage> messages) => Math.Max(1, messages.Sum(m => m.Content.Length) / 4);

    public static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static JsonElement Prop(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) ? v : default;
}
