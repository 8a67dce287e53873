using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nextra.Modules.Accounts.Auth;
using Nextra.Modules.Engine;
using Nextra.Modules.Secrets;
using Nextra.Pump.Net;

namespace Nextra.Modules.Alerts;

/// <summary>
/// Sends one notification to one channel: webhook (JSON signed with HMAC-SHA256 of the body in
/// <c>X-Nextra-Signature: sha256=HEX</c>, the key being the tenant secret the channel names), Slack (incoming-webhook
/// JSON with <c>text</c>) through the egress guard (a channel URL is user-aimed: private addresses are refused unless the
/// operator allow-listed them), or e-mail through <c>[smtp]</c>. Throws with a reason a person can act on.
/// </summary>
public sealed class AlertSender(EngineSettings engine, ISecretResolverFactory secrets, IOptions<SmtpOptions> smtp, IOptions<OriginOptions> origin)
{
    private readonly Lazy<HttpClient> _http = new(() => EgressHttp.CreateClient(engine.Egress));

    public async Task SendAsync(string tenantId, AlertChannel channel, Alert alert, string state, DateTimeOffset at, CancellationToken ct)
    {
        var link = Link(alert);
        switch (channel.Type)
        {
            case AlertNames.Webhook:
                var body = JsonSerializer.SerializeToUtf8Bytes(new AlertWebhookBody(alert.Rule, state, tenantId, alert.FlowId, alert.Detail, at, link),
                    AlertsJsonContext.Default.AlertWebhookBody);
                string? signature = null;
                if (channel.SecretName is { Length: > 0 } name)
                {
                    var key = await secrets.For(tenantId).GetAsync(name, ct).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"the secret '{name}' the channel signs with does not exist (Settings → Secrets)");
                    signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));
                }
                await PostAsync(channel.Url!, body, signature, ct).ConfigureAwait(false);
                break;
            case AlertNames.Slack:
                var text = $"{(state == AlertNames.Firing ? ":rotating_light:" : ":white_check_mark:")} {alert.Rule} {state} on flow {alert.FlowId ?? "(process)"}: {alert.Detail} {link}";
                await PostAsync(channel.Url!, JsonSerializer.SerializeToUtf8Bytes(new SlackMessage(text), AlertsJsonContext.Default.SlackMessage), null, ct)
                    .ConfigureAwait(false);
                break;
            case AlertNames.Email:
                await MailAsync(channel.To!, alert, state, at, link, ct).ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"unknown channel type '{channel.Type}'");
        }
    }

    private async Task PostAsync(string url, byte[] body, string? signature, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null) request.Headers.TryAddWithoutValidation("X-Nextra-Signature", signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await _http.Value.SendAsync(request, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    private async Task MailAsync(string to, Alert alert, string state, DateTimeOffset at, string link, CancellationToken ct)
    {
        var o = smtp.Value;
        if (string.IsNullOrWhiteSpace(o.Host)) throw new InvalidOperationException("no [smtp] host is configured");
        using var client = new SmtpClient(o.Host, o.Port) { EnableSsl = o.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (o.Username.Length > 0) client.Credentials = new System.Net.NetworkCredential(o.Username, o.Password);
        using var message = new MailMessage(o.From, to)
        {
            Subject = $"[nextra] {alert.Rule} {state}: flow {alert.FlowId ?? "(process)"}",
            Body = string.Create(CultureInfo.InvariantCulture,
                $"{alert.Rule} is {state} for flow {alert.FlowId ?? "(process)"} at {at:u}.\n\n{alert.Detail}\n\n{link}\n"),
        };
        await client.SendMailAsync(message, ct).ConfigureAwait(false);
    }

    private string Link(Alert alert) => (origin.Value.PublicUrl is { Length: > 0 } url ? url.TrimEnd('/') : "") + "/alerts?id=" + alert.Id;
}
