using Nextra.Modules.Common;

namespace Nextra.Host.Hosting;

/// <summary>
/// The error answers of each operation for the OpenAPI document: the ones every route of its kind can give (from
/// <see cref="RouteTable"/>: 401/403 for signed-in routes, 429 for API-key limits, 404 for a resource in the path,
/// 400/413 for a body, 422 for one the handler validates) and the ones docs/api.md lists for particular routes (409, 410, 413, 422, 429, 503, 504…).
/// </summary>
internal static class OpenApiErrors
{
    private const string Stop = "shutting_down";

    // "METHOD pattern" as RouteTable spells it → the route's own answers.
    private static readonly Dictionary<string, (int Status, string Code)[]> Specific = new(StringComparer.Ordinal)
    {
        ["POST /api/setup"] = [(403, "invalid_setup_token"), (409, "setup_done"), (429, "rate_limited")],
        ["POST /api/auth/login"] = [(401, "unauthorized"), (429, "rate_limited")],
        ["POST /api/auth/signup"] = [(403, "signup_closed"), (409, "conflict"), (429, "rate_limited")],
        ["POST /api/invites/accept"] = [(401, "unauthorized"), (403, "invite_email_mismatch"), (410, "invite_invalid")],
        ["POST /api/members/invites"] = [(409, "conflict"), (403, "forbidden | quota_exceeded")],
        ["PUT /api/members/{userId}"] = [(409, "last_owner")],
        ["DELETE /api/members/{userId}"] = [(409, "last_owner")],
        ["POST /api/flows"] = [(403, "forbidden | quota_exceeded")],
        ["POST /api/flows/import"] = [(403, "forbidden | quota_exceeded"), (415, "unsupported_media_type")],
        ["POST /api/flows/{id}/start"] = [(403, "forbidden | over_plan_limit"), (409, "conflict")],
        ["PUT /api/flows/{id}/keep-alive"] = [(403, "forbidden | quota_exceeded")],
        ["POST /api/triggers/{flowId}/webhook/{token}"] =
            [(404, "not_found | flow_stopped"), (413, "payload_too_large"), (422, "payload_too_deep | validation_failed"),
             (429, "rate_limited | quota_exceeded"), (503, Stop)],
        ["POST /api/triggers/{flowId}/inject"] =
            [(409, "conflict"), (413, "payload_too_large"), (422, "payload_too_deep | validation_failed"),
             (429, "rate_limited | quota_exceeded"), (503, Stop)],
        ["POST /api/runs/{id}/replay"] = [(409, "conflict"), (429, "rate_limited | quota_exceeded"), (503, Stop)],
        ["POST /api/runs/{id}/steps/{n:int}/replay"] =
            [(409, "conflict"), (422, "payload_too_deep | validation_failed"), (429, "rate_limited | quota_exceeded"), (503, Stop)],
        ["GET /api/usage/ledger"] = [(400, "bad_request")],
        ["POST /api/modules"] = [(403, "forbidden | quota_exceeded")],
        ["POST /api/modules/build"] = [(403, "forbidden | quota_exceeded")],
        ["DELETE /api/modules/{id}"] = [(409, "module_in_use")],
        ["GET /api/flows/{id}/memory/{key}"] = [(403, "forbidden | quota_exceeded")],
        ["PUT /api/flows/{id}/memory/{key}"] = [(403, "forbidden | quota_exceeded | project_memory_off"), (413, "payload_too_large")],
        ["POST /api/marketplace/publish"] =
            [(403, "forbidden | tier_required"), (415, "unsupported_media_type"),
             (422, "validation_failed | import_not_permitted | template_secret_found | signature_invalid | digest_mismatch | namespace_mismatch | tool_revoked | key_revoked")],
        ["POST /api/marketplace/installs"] =
            [(400, "permission_approval_required"), (403, "forbidden | tier_required"), (409, "conflict"),
             (422, "signature_invalid | digest_mismatch | namespace_mismatch | tool_revoked | key_revoked | import_not_permitted")],
        ["PATCH /api/marketplace/installs/{id}"] =
            [(409, "permission_approval_required | downgrade_refused"), (422, "signature_invalid | digest_mismatch | namespace_mismatch | tool_revoked | key_revoked")],
        ["GET /api/marketplace/tools"] = [(422, "validation_failed")],
        ["GET /api/marketplace/flows"] = [(422, "validation_failed")],
        ["POST /api/marketplace/tools/{publisher}/{name}/votes"] = [(403, "forbidden | vote_requires_use"), (422, "validation_failed"), (429, "rate_limited | review_rate_limited")],
        ["POST /api/marketplace/flows/{publisher}/{name}/votes"] = [(403, "forbidden | vote_requires_use"), (422, "validation_failed"), (429, "rate_limited | review_rate_limited")],
        ["POST /api/marketplace/tools/{publisher}/{name}/reviews/{reviewId}/reply"] = [(409, "conflict"), (422, "validation_failed")],
        ["POST /api/marketplace/flows/{publisher}/{name}/reviews/{reviewId}/reply"] = [(409, "conflict"), (422, "validation_failed")],
        ["POST /api/marketplace/publisher/keys"] = [(409, "conflict"), (422, "validation_failed")],
        ["POST /api/marketplace/tools/{publisher}/{name}/reviews/{reviewId}/reports"] = [(422, "validation_failed")],
        ["POST /api/marketplace/flows/{publisher}/{name}/reviews/{reviewId}/reports"] = [(422, "validation_failed")],
        ["DELETE /api/marketplace/installs/{id}"] = [(409, "tool_in_use")],
        ["POST /api/marketplace/flows/{publisher}/{name}/use"] = [(409, "tool_not_installed"), (422, "validation_failed")],
        ["PUT /api/marketplace/publisher"] = [(409, "conflict")],
        ["PUT /api/sso/providers/{name}"] = [(409, "conflict")],
        ["POST /api/billing/checkout"] = [(400, "unknown_plan"), (409, "subscription_active | billing_off"), (502, "stripe_error")],
        ["POST /api/billing/portal"] = [(409, "no_customer | billing_off"), (502, "stripe_error")],
        ["POST /webhooks/clerk"] = [(401, "unauthorized"), (409, "conflict")],
        ["POST /webhooks/stripe"] = [(400, "bad_request")],
    };

    /// <summary>Status → problem code(s) of one operation, ordered by status.</summary>
    public static IEnumerable<(int Status, string Code)> For(string method, string pattern, RouteRule? rule, bool hasBody, bool validatesBody = false)
    {
        var answers = new SortedDictionary<int, string>();
        var api = pattern.StartsWith("/api/", StringComparison.Ordinal);
        if (rule?.Minimum is not null)
        {
            answers[401] = "unauthorized";
            answers[403] = HttpMethods.IsGet(method) ? "forbidden" : "forbidden | csrf_failed";
            if (api) answers[429] = "rate_limited";
        }
        // A resource named in the path (SSO's /oidc|/saml/{provider} too: an unknown provider is 404).
        if (pattern.Contains('{', StringComparison.Ordinal)) answers[404] = "not_found";
        if (hasBody && api)
        {
            answers[400] = "malformed_json | bad_request";
            answers[413] = "payload_too_large";
        }
        // A request body the handler checks: 422 `validation_failed` (with `errors`) when a field is wrong.
        if (validatesBody && api) answers[422] = "validation_failed";
        if (Specific.TryGetValue(method.ToUpperInvariant() + " " + pattern, out var own))
        {
            foreach (var (status, code) in own) answers[status] = code;
        }
        return answers.Select(a => (a.Key, a.Value));
    }
}
