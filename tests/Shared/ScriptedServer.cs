using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nextra.Tests.Shared;

/// <summary>A request the scripted server received (<see cref="Bytes"/> as sent, <see cref="Body"/> as UTF-8 text).</summary>
public sealed record RecordedRequest(string Method, string Path, Dictionary<string, string> Headers, byte[] Bytes, DateTimeOffset At)
{
    public string Body => Encoding.UTF8.GetString(Bytes);

    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) that records every request and answers from a per-test script:
/// each request takes the next step of the script (or the fallback). Speaks OpenAI chat completions (plain and SSE)
/// and Anthropic messages (plain and SSE) through the helpers below; with a plain fallback it is the scripted OTLP
/// collector, webhook or Slack endpoint of the host tests. One copy for every test project (linked in each .csproj).
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Func<HttpListenerContext, Task>> _script = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ScriptedServer()
    {
        for (var tries = 0; ; tries++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                BaseUrl = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary><see cref="BaseUrl"/> without the trailing slash, to append paths to.</summary>
    public string Origin => BaseUrl.GetLeftPart(UriPartial.Authority);
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Func<HttpListenerContext, Task>? Fallback { get; set; }

    public ScriptedServer Then(Func<HttpListenerContext, Task> step)
    {
        _script.Enqueue(step);
        return this;
    }

    /// <summary>Polls until <paramref name="done"/> holds over the requests so far, or fails after <paramref name="seconds"/>.</summary>
    public async Task<List<RecordedRequest>> WaitForAsync(Func<List<RecordedRequest>, bool> done, int seconds = 60)
    {
        var until = Environment.TickCount64 + seconds * 1000L;
        while (true)
        {
            var seen = Requests.ToList();
            if (done(seen)) return seen;
            if (Environment.TickCount64 > until) throw new TimeoutException($"the server saw {seen.Count} request(s), not what the test waited for");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(ctx));
        }
    }

    private async Task ServeAsync(HttpListenerContext ctx)
    {
        try
        {
            using var body = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(body);
            var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new RecordedRequest(ctx.Request.HttpMethod, ctx.Request.Url!.PathAndQuery, headers, body.ToArray(), DateTimeOffset.UtcNow));
            var step = _script.TryDequeue(out var s) ? s : Fallback ?? (c => Status(500, "script exhausted")(c));
            await step(ctx);
            ctx.Response.Close();
        }
        catch (Exception)
        {
            // The client went away (timeouts, size caps): nothing to answer.
            try { ctx.Response.Abort(); } catch (Exception) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (Exception) { }
        _stop.Dispose();
    }

    // ---- responders ----

    public static Func<HttpListenerContext, Task> Status(int status, string body = "", string contentType = "text/plain",
        params (string Name, string Value)[] headers) => async ctx =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        foreach (var (n, v) in headers)
            ctx.Response.Headers[n] = v;
        var bytes = Encoding.UTF8.GetBytes(body);
        ctx.Response.ContentLength64 = bytes.Length;
        await ctx.Response.OutputStream.WriteAsync(bytes);
    };

    public static Func<HttpListenerContext, Task> Json(object body, int status = 200) =>
        Status(status, body is string s ? s : JsonSerializer.Serialize(body), "application/json");

    public static Func<HttpListenerContext, Task> Redirect(string location, int status = 302) =>
        Status(status, "", "text/plain", ("Location", location));

    /// <summary>Waits (until the client gives up) before answering.</summary>
    public static Func<HttpListenerContext, Task> Hang(TimeSpan delay, Func<HttpListenerContext, Task>? then = null) => async ctx =>
    {
        await Task.Delay(delay);
        await (then ?? Status(200, "late"))(ctx);
    };

    /// <summary>Streams <paramref name="bytes"/> bytes without a Content-Length (chunked).</summary>
    public static Func<HttpListenerContext, Task> Bytes(long bytes, bool declareLength = false) => async ctx =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/octet-stream";
        if (declareLength)
            ctx.Response.ContentLength64 = bytes;
        else
            ctx.Response.SendChunked = true;
        var chunk = new byte[16 * 1024];
        Array.Fill(chunk, (byte)'a');
        for (long sent = 0; sent < bytes; sent += chunk.Length)
            await ctx.Response.OutputStream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)));
    };

    public static Func<HttpListenerContext, Task> OpenAi(string text, bool stream = false, int prompt = 11, int completion = 7, string model = "gpt-4o-mini") =>
        stream ? OpenAiStream(Pieces(text), prompt, completion, model)
               : Json(new Dictionary<string, object>
               {
                   ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["model"] = model,
                   ["choices"] = new[] { new Dictionary<string, object> { ["index"] = 0, ["message"] = new { role = "assistant", content = text }, ["finish_reason"] = "stop" } },
                   ["usage"] = new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion },
               });

    public static Func<HttpListenerContext, Task> OpenAiStream(IEnumerable<string> pieces, int prompt = 11, int completion = 7, string model = "gpt-4o-mini") => async ctx =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.SendChunked = true;
        var output = ctx.Response.OutputStream;
        foreach (var piece in pieces)
        {
            var chunk = JsonSerializer.Serialize(new { id = "c", @object = "chat.completion.chunk", model, choices = new[] { new { index = 0, delta = new { content = piece } } } });
            await WriteAsync(output, $"data: {chunk}\n\n");
        }
        await WriteAsync(output, $"data: {JsonSerializer.Serialize(new { id = "c", model, choices = Array.Empty<object>(), usage = new { prompt_tokens = prompt, completion_tokens = completion } })}\n\n");
        await WriteAsync(output, "data: [DONE]\n\n");
    };

    public static Func<HttpListenerContext, Task> Anthropic(string text, bool stream = false, int input = 13, int output = 5, string model = "claude-sonnet-4-5") =>
        stream ? AnthropicStream(Pieces(text), input, output, model)
               : Json(new Dictionary<string, object>
               {
                   ["id"] = "msg_1", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                   ["content"] = new object[] { new { type = "text", text } },
                   ["stop_reason"] = "end_turn",
                   ["usage"] = new { input_tokens = input, output_tokens = output },
               });

    public static Func<HttpListenerContext, Task> AnthropicStream(IEnumerable<string> pieces, int input = 13, int output = 5, string model = "claude-sonnet-4-5") => async ctx =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.SendChunked = true;
        var o = ctx.Response.OutputStream;
        await Event(o, "message_start", new { type = "message_start", message = new { id = "msg_1", type = "message", role = "assistant", model, content = Array.Empty<object>(), usage = new { input_tokens = input, output_tokens = 1 } } });
        await Event(o, "content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } });
        await WriteAsync(o, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
        foreach (var piece in pieces)
            await Event(o, "content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = piece } });
        await Event(o, "content_block_stop", new { type = "content_block_stop", index = 0 });
        await Event(o, "message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn" }, usage = new { output_tokens = output } });
        await Event(o, "message_stop", new { type = "message_stop" });
    };

    private static Task Event(Stream o, string name, object data) => WriteAsync(o, $"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n");

    private static async Task WriteAsync(Stream o, string text)
    {
        await o.WriteAsync(Encoding.UTF8.GetBytes(text));
        await o.FlushAsync();
    }

    /// <summary>Splits text into a few pieces so streaming is visible.</summary>
    public static IEnumerable<string> Pieces(string text)
    {
        const int size = 8;
        for (var i = 0; i < text.Length; i += size)
            yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
