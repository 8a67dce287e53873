using System.Net.Mail;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;

namespace Nextra.Modules.Alerts;

/// <summary>
/// <c>GET /api/alerts</c> for every member; channels and deliveries (channel URLs hold tokens) for admins.
/// </summary>
internal static class AlertsEndpoints
{
    private static readonly System.Text.RegularExpressions.Regex ChannelName = new("^[A-Za-z0-9_.-]{1,64}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alerts").WithTags("Alerts");
        group.MapGet("", ListAsync).WithName("ListAlerts").WithSummary("The tenant's alerts, newest first; ?state=firing|resolved&flowId=.");
        group.MapGet("/channels", ListChannelsAsync).WithName("ListAlertChannels")
            .WithSummary("The tenant's notification channels.");
        group.MapGet("/channels/{name}", GetChannelAsync).WithName("GetAlertChannel")
            .WithSummary("One notification channel.");
        group.MapPut("/channels/{name}", PutChannelAsync).WithName("PutAlertChannel")
            .WithSummary("Create or replace a channel: webhook (url, secretName signs), slack (url) or email (to).");
        group.MapDelete("/channels/{name}", DeleteChannelAsync).WithName("DeleteAlertChannel")
            .WithSummary("Delete a channel.");
        group.MapGet("/deliveries", ListDeliveriesAsync).WithName("ListAlertDeliveries")
            .WithSummary("Notifications sent, pending and failed (with the last error); ?alertId=.");
    }

    internal static async Task<Ok<Alert[]>> ListAsync(string? state, string? flowId, ICurrentUser user, IAlertStore store, CancellationToken ct)
    {
        if (state is not null and not AlertNames.Firing and not AlertNames.Resolved)
            throw ApiException.BadRequest(ErrorCodes.BadRequest, "state must be firing or resolved");
        return TypedResults.Ok((await store.ListAsync(user.TenantId, state, string.IsNullOrEmpty(flowId) ? null : flowId, 500, ct).ConfigureAwait(false)).ToArray());
    }

    internal static async Task<Ok<AlertChannel[]>> ListChannelsAsync(ICurrentUser user, IAlertStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListChannelsAsync(user.TenantId, ct).ConfigureAwait(false)).ToArray());

    internal static async Task<Ok<AlertChannel>> GetChannelAsync(string name, ICurrentUser user, IAlertStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetChannelAsync(user.TenantId, name, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("Channel"));

    internal static async Task<Ok<AlertChannel>> PutChannelAsync(string name, PutAlertChannelRequest body, ICurrentUser user, IAlertStore store,
        IOptions<SmtpOptions> smtp, TimeProvider time, CancellationToken ct)
    {
        var channel = Validate(name, body, smtp.Value);
        await store.PutChannelAsync(user.TenantId, channel, time.GetUtcNow(), ct).ConfigureAwait(false);
        return TypedResults.Ok(channel);
    }

    internal static async Task<NoContent> DeleteChannelAsync(string name, ICurrentUser user, IAlertStore store, CancellationToken ct)
    {
        if (!await store.DeleteChannelAsync(user.TenantId, name, ct).ConfigureAwait(false)) throw ApiException.NotFound("Channel");
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<AlertDelivery[]>> ListDeliveriesAsync(string? alertId, ICurrentUser user, IAlertStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListDeliveriesAsync(user.TenantId, string.IsNullOrEmpty(alertId) ? null : alertId, 200, ct).ConfigureAwait(false)).ToArray());

    private static AlertChannel Validate(string name, PutAlertChannelRequest body, SmtpOptions smtp)
    {
        if (!ChannelName.IsMatch(name)) throw ApiException.BadRequest(ErrorCodes.BadRequest, "channel names are 1-64 letters, digits, '-', '_' or '.'");
        switch (body.Type)
        {
            case AlertNames.Webhook or AlertNames.Slack:
                if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    throw ApiException.BadRequest(ErrorCodes.BadRequest, $"a {body.Type} channel needs url: an absolute http(s) URL");
                if (body.Type == AlertNames.Slack && body.SecretName is not null)
                    throw ApiException.BadRequest(ErrorCodes.BadRequest, "secretName signs webhook channels only; a Slack URL carries its own token");
                return new AlertChannel(name, body.Type, uri.ToString(), string.IsNullOrWhiteSpace(body.SecretName) ? null : body.SecretName);
            case AlertNames.Email:
                if (string.IsNullOrWhiteSpace(body.To) || !MailAddress.TryCreate(body.To, out _))
                    throw ApiException.BadRequest(ErrorCodes.BadRequest, "an email channel needs to: an e-mail address");
                if (string.IsNullOrWhiteSpace(smtp.Host))
                    throw ApiException.BadRequest(ErrorCodes.BadRequest, "email channels need an [smtp] host in the server's configuration");
                return new AlertChannel(name, body.Type, To: body.To);
            default:
                throw ApiException.BadRequest(ErrorCodes.BadRequest, "type must be webhook, slack or email");
        }
    }
}
