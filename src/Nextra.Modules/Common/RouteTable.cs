namespace Nextra.Modules.Common;

/// <summary>
/// One route's declaration: who may call it (<see cref="Minimum"/>; null = anyone, signed in or not) and, when the
/// call changes something worth auditing, the audit action the Audit module records after it succeeds.
/// <see cref="Method"/> is an HTTP method or <c>*</c> (any method: SignalR hubs, fallbacks).
/// </summary>
public sealed record RouteRule(string Method, string Pattern, Role? Minimum, string? Audit = null);

/// <summary>
/// THE place every route's minimum role is declared (issue 12): the Accounts module enforces it for every endpoint
/// (a route missing here is refused), and a test walks the host's whole route table against it, once per role.
/// Rights: viewer reads; editor also writes flows, runs, modules, memory and their own API keys; admin also manages
/// members (not owners), invites, secrets, trigger token rotation and every API key of the tenant; owner also
/// ownership (and billing, tier and deleting the tenant when those routes exist).
/// </summary>
public static class RouteTable
{
    private static readonly Role? Anyone = null;
    private const Role Viewer = Role.Viewer;
    private const Role Editor = Role.Editor;
    private const Role Admin = Role.Admin;
    private const Role Owner = Role.Owner;

    public static readonly IReadOnlyList<RouteRule> Rules =
    [
        // Host plumbing and the UI.
        new("GET", "/health/live", Anyone),
        new("GET", "/health/ready", Anyone),
        new("GET", "/openapi/{documentName}.json", Anyone),
        new("GET", "/openapi/{documentName?}", Anyone), // the Scalar reference page and its assets
        new("GET", "/openapi/scalar.js", Anyone),
        new("GET", "/openapi/scalar.aspnetcore.js", Anyone),
        new("GET", "/openapi/favicon.svg", Anyone),
        new("GET", "/metrics", Anyone), // guarded by its own [metrics] token
        new("*", "/{**path}", Anyone), // the embedded UI
        new("*", "/api/{**rest}", Viewer), // unknown API routes: 404 for members, 401 for strangers
        new("*", "/hubs/events", Viewer),
        new("*", "/hubs/events/negotiate", Viewer),

        // Accounts.
        new("GET", "/api/setup", Anyone),
        new("POST", "/api/setup", Anyone),
        new("POST", "/api/auth/login", Anyone),
        new("POST", "/api/auth/signup", Anyone), // refused unless [accounts] signup = "open"
        new("POST", "/api/auth/logout", Viewer),
        new("GET", "/api/auth/me", Viewer),
        new("POST", "/api/auth/password", Viewer),
        new("POST", "/api/auth/switch", Viewer),
        new("GET", "/api/tenants", Viewer),
        new("GET", "/api/apikeys", Viewer),
        new("POST", "/api/apikeys", Editor, "apikey.create"),
        new("DELETE", "/api/apikeys/{id}", Editor, "apikey.delete"),
        new("GET", "/api/tenant/apikeys", Admin),
        new("DELETE", "/api/tenant/apikeys/{id}", Admin, "apikey.delete"),

        // Members and invites.
        new("GET", "/api/members", Viewer),
        new("GET", "/api/members/invites", Admin),
        new("POST", "/api/members/invites", Admin),
        new("DELETE", "/api/members/invites/{id}", Admin),
        new("PUT", "/api/members/{userId}", Admin),
        new("DELETE", "/api/members/{userId}", Admin),
        new("POST", "/api/members/transfer-ownership", Owner),
        new("POST", "/api/invites/accept", Anyone), // a new person has no account yet
        new("GET", "/api/audit", Admin),

        // Flows.
        new("GET", "/api/flows", Viewer),
        new("POST", "/api/flows", Editor, "flow.create"),
        new("POST", "/api/flows/validate", Viewer),
        new("POST", "/api/flows/import", Editor, "flow.import"),
        new("GET", "/api/flows/{id}", Viewer),
        new("PUT", "/api/flows/{id}", Editor, "flow.update"),
        new("DELETE", "/api/flows/{id}", Editor, "flow.delete"),
        new("GET", "/api/flows/{id}/versions", Viewer),
        new("GET", "/api/flows/{id}/versions/{n:long}", Viewer),
        new("POST", "/api/flows/{id}/versions/{n:long}/restore", Editor, "flow.restore"),
        new("GET", "/api/flows/{id}/export", Viewer),

        // Running, triggers, runs, logs.
        new("POST", "/api/flows/{id}/start", Editor, "flow.start"),
        new("POST", "/api/flows/{id}/stop", Editor, "flow.stop"),
        new("GET", "/api/flows/{id}/status", Viewer),
        new("PUT", "/api/flows/{id}/keep-alive", Editor, "flow.keep_alive"),
        new("GET", "/api/flows/{id}/triggers", Viewer),
        new("POST", "/api/flows/{id}/triggers/{name}/rotate", Admin, "trigger.rotate"),
        new("POST", "/api/triggers/{flowId}/webhook/{token}", Anyone), // the token is the credential
        new("POST", "/api/triggers/{flowId}/inject", Editor),
        new("GET", "/api/flows/{id}/runs", Viewer),
        new("GET", "/api/runs/{id}", Viewer),
        new("POST", "/api/runs/{id}/replay", Editor),
        new("POST", "/api/runs/{id}/steps/{n:int}/replay", Editor),
        new("POST", "/api/runs/{id}/cancel", Editor),
        new("GET", "/api/flows/{id}/logs", Viewer),

        // Secrets, modules, memory, usage.
        new("GET", "/api/secrets", Viewer),
        new("PUT", "/api/secrets/{name}", Admin, "secret.put"),
        new("DELETE", "/api/secrets/{name}", Admin, "secret.delete"),
        new("GET", "/api/modules", Viewer),
        new("POST", "/api/modules", Editor, "module.upload"),
        new("POST", "/api/modules/build", Editor, "module.build"),
        new("DELETE", "/api/modules/{id}", Editor, "module.delete"),
        new("GET", "/api/sdk/nextra.d.ts", Viewer),
        new("GET", "/api/flows/{id}/memory", Viewer),
        new("GET", "/api/flows/{id}/memory/{key}", Viewer),
        new("PUT", "/api/flows/{id}/memory/{key}", Editor),
        new("DELETE", "/api/flows/{id}/memory/{key}", Editor),
        new("GET", "/api/usage", Viewer),
        new("GET", "/api/usage/history", Viewer),
        new("GET", "/api/usage/ledger", Admin), // billing data: admins and owners

        // Marketplace.
        new("GET", "/api/marketplace/tools", Viewer),
        new("GET", "/api/marketplace/flows", Viewer),
        new("GET", "/api/marketplace/tools/{publisher}/{name}", Viewer),
        new("GET", "/api/marketplace/flows/{publisher}/{name}", Viewer),
        new("POST", "/api/marketplace/tools/{publisher}/{name}/votes", Editor),
        new("POST", "/api/marketplace/flows/{publisher}/{name}/votes", Editor),
        new("POST", "/api/marketplace/tools/{publisher}/{name}/reports", Editor, "marketplace.report"),
        new("POST", "/api/marketplace/flows/{publisher}/{name}/reports", Editor, "marketplace.report"),
        new("POST", "/api/marketplace/tools/{publisher}/{name}/reviews/{reviewId}/reports", Editor, "marketplace.report_review"),
        new("POST", "/api/marketplace/flows/{publisher}/{name}/reviews/{reviewId}/reports", Editor, "marketplace.report_review"),
        new("GET", "/api/marketplace/tools/{publisher}/{name}/package", Viewer), // the signed .ntpkg, to publish on another server
        new("GET", "/api/marketplace/flows/{publisher}/{name}/package", Viewer),
        new("GET", "/api/marketplace/publisher/stats", Viewer),
        new("GET", "/api/marketplace/keys.json", Anyone), // public keys other servers add to [marketplace] trusted_keys
        new("GET", "/api/marketplace/revoked.json", Anyone),
        new("POST", "/api/marketplace/flows/{publisher}/{name}/use", Editor, "marketplace.use"),
        new("GET", "/api/marketplace/template-flows", Viewer),
        new("GET", "/api/marketplace/template-flows/{flowId}", Viewer),
        new("POST", "/api/marketplace/publish", Editor, "marketplace.publish"),
        new("GET", "/api/marketplace/submissions/{id}", Viewer),
        new("GET", "/api/marketplace/installs", Viewer),
        new("POST", "/api/marketplace/installs", Editor, "marketplace.install"),
        new("PATCH", "/api/marketplace/installs/{id}", Editor, "marketplace.update_install"),
        new("DELETE", "/api/marketplace/installs/{id}", Editor, "marketplace.uninstall"),
        new("GET", "/api/marketplace/publisher", Viewer),
        new("PUT", "/api/marketplace/publisher", Admin, "marketplace.publisher"),
        new("GET", "/api/marketplace/tools/{publisher}/{name}/versions/{version}", Viewer),
        new("GET", "/api/marketplace/flows/{publisher}/{name}/versions/{version}", Viewer),
        new("POST", "/api/marketplace/tools/{publisher}/{name}/reviews/{reviewId}/reply", Editor, "marketplace.review_reply"),
        new("POST", "/api/marketplace/flows/{publisher}/{name}/reviews/{reviewId}/reply", Editor, "marketplace.review_reply"),
        new("GET", "/api/marketplace/publisher/keys", Viewer),
        new("POST", "/api/marketplace/publisher/keys", Admin, "marketplace.publisher_key_add"), // the tenant's owner or an admin
        new("DELETE", "/api/marketplace/publisher/keys/{keyId}", Admin, "marketplace.publisher_key_revoke"),

        // Flow templates, alerts and the SLA report.
        new("GET", "/api/templates", Viewer),
        new("GET", "/api/alerts", Viewer),
        new("GET", "/api/alerts/channels", Admin),
        new("GET", "/api/alerts/channels/{name}", Admin),
        new("PUT", "/api/alerts/channels/{name}", Admin, "alert.channel_put"),
        new("DELETE", "/api/alerts/channels/{name}", Admin, "alert.channel_delete"),
        new("GET", "/api/alerts/deliveries", Admin),
        new("GET", "/api/sla", Viewer),

        // Single sign-on: the sign-in legs are anonymous (the IdP's answer is the credential), settings are the admin's.
        new("GET", "/api/auth/sso", Anyone),
        new("GET", "/oidc/{provider}/login", Anyone),
        new("GET", "/oidc/{provider}/callback", Anyone),
        new("GET", "/saml/{provider}/login", Anyone),
        new("GET", "/saml/{provider}/metadata", Anyone),
        new("POST", "/saml/{provider}/acs", Anyone), // the signed assertion is the credential
        new("POST", "/webhooks/clerk", Anyone), // verified by its Svix signature
        new("GET", "/api/sso", Admin),
        new("PUT", "/api/sso/settings", Admin, "sso.settings"),
        new("PUT", "/api/sso/providers/{name}", Admin, "sso.provider_put"),
        new("DELETE", "/api/sso/providers/{name}", Admin, "sso.provider_delete"),

        // Billing: the owner's.
        new("GET", "/api/billing", Owner),
        new("POST", "/api/billing/checkout", Owner, "billing.checkout"),
        new("POST", "/api/billing/portal", Owner),
        new("POST", "/webhooks/stripe", Anyone), // verified by its Stripe-Signature
    ];

    private static readonly Dictionary<string, RouteRule> ByKey = Rules.ToDictionary(r => Key(r.Method, r.Pattern), StringComparer.Ordinal);

    /// <summary>The rule of an endpoint (its route template and method), or null when it declares none.</summary>
    public static RouteRule? Find(string method, string pattern)
    {
        var normalized = Normalize(pattern);
        return ByKey.GetValueOrDefault(Key(method.ToUpperInvariant(), normalized)) ?? ByKey.GetValueOrDefault(Key("*", normalized));
    }

    /// <summary>A route template as the table spells it: one leading slash, no trailing one.</summary>
    public static string Normalize(string? pattern) => "/" + (pattern ?? "").Trim('/');

    private static string Key(string method, string pattern) => method + " " + pattern;
}
