using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nextra.Host.Tests.Billing;

/// <summary>
/// A Stripe API on loopback that records every request (path, form fields, idempotency key, bearer key) and answers
/// like Stripe: Checkout and portal sessions with a URL, meter events; a repeated Idempotency-Key gets the first
/// answer again. <see cref="FailNext"/> makes the next answers 500 (to see retries).
/// </summary>
public sealed class ScriptedStripe : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _answers = new();
    private int _counter;
    private int _failures;

    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Form, string? IdempotencyKey, string? Authorization, int Status);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public string BaseUrl { get; }

    public ScriptedStripe()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/{**path}", HandleAsync);
        _app.Start();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>The next <paramref name="count"/> requests are answered 500.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

    public IReadOnlyList<Request> To(string path) => Requests.Where(r => r.Path == path).ToList();

    private async Task HandleAsync(HttpContext http)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var path = http.Request.Path.Value ?? "";
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            Requests.Enqueue(new Request("POST", path, form, key, http.Request.Headers.Authorization.FirstOrDefault(), 500));
            http.Response.StatusCode = 500;
            await http.Response.WriteAsync("""{"error":{"message":"scripted failure","type":"api_error"}}""");
            return;
        }
        Interlocked.Exchange(ref _failures, 0);
        Requests.Enqueue(new Request("POST", path, form, key, http.Request.Headers.Authorization.FirstOrDefault(), 200));
        var answer = _answers.GetOrAdd(key ?? Guid.NewGuid().ToString(), _ =>
        {
            var n = Interlocked.Increment(ref _counter);
            return path switch
            {
                "/v1/checkout/sessions" => $$"""{"id":"cs_test_{{n}}","object":"checkout.session","url":"https://checkout.stripe.test/c/pay/cs_test_{{n}}"}""",
                "/v1/billing_portal/sessions" => $$"""{"id":"bps_{{n}}","object":"billing_portal.session","url":"https://billing.stripe.test/p/session/bps_{{n}}"}""",
                "/v1/billing/meter_events" => $$"""{"object":"billing.meter_event","identifier":"{{form.GetValueOrDefault("identifier")}}"}""",
                _ => "",
            };
        });
        if (answer.Length == 0)
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync("""{"error":{"message":"Unrecognized request URL","type":"invalid_request_error"}}""");
            return;
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
