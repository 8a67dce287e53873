using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Nextra.Modules.Common;

namespace Nextra.Host.Hosting;

/// <summary>
/// Completes the generated OpenAPI document from the one place routes' access is declared (<see cref="RouteTable"/>):
/// security schemes on every operation that needs a signed-in caller, the error answers (problem+json with a stable
/// <c>code</c>) each operation can give, tag descriptions, the introduction, and servers without a trailing slash.
/// </summary>
internal static class NextraOpenApi
{
    public const string Bearer = "apiKey";
    public const string Session = "session";
    public const string Csrf = "csrf";
    public const string Problem = "Problem";

    // The names of docs/api.md (Accounts' AuthCookies is internal to its module).
    private const string SessionCookie = "nextra_session";
    private const string CsrfCookie = "nextra_csrf";
    private const string CsrfHeader = "X-Nextra-Csrf";

    private const string Introduction = """
        Nextra runs flows: small programs of listeners (code blocks, LLM agents, tools) that pass messages to each other,
        started by webhooks, schedules or an inject. This API is what the web UI uses; everything the UI does can be
        scripted with it.

        **Authentication.** Automation sends an API key (Settings → API keys, or `POST /api/apikeys`) as
        `Authorization: Bearer <key>`. The browser signs in with `POST /api/auth/login`, which sets the session cookie
        `nextra_session` and the CSRF cookie `nextra_csrf`; every unsafe request (POST, PUT, PATCH, DELETE) made with the
        cookie must also send the header `X-Nextra-Csrf` with the value of `nextra_csrf`. Each route needs a minimum role
        in the tenant (viewer, editor, admin, owner): below it the answer is 403 `forbidden`, without credentials 401
        `unauthorized`. Webhook triggers are anonymous: the token in their URL is the credential.

        **Errors** are `application/problem+json` with a stable `code` (see each operation's answers).
        """;

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Health"] = "Liveness and readiness probes.",
        ["Authentication"] = "First-run setup, sign-in, sessions, tenants and API keys.",
        ["Members"] = "Members of a tenant, their roles, and invites.",
        ["Audit"] = "Who changed what in the tenant.",
        ["Usage"] = "The tenant's tier, quotas and monthly usage.",
        ["Flows"] = "Flow definitions (organism.yaml), their versions, validation, import and export, and templates.",
        ["Single sign-on"] = "OIDC and SAML sign-in, and the tenant's SSO settings.",
        ["Modules"] = "WebAssembly modules used by code blocks, and the TypeScript SDK.",
        ["Running"] = "Start, stop and watch a flow: status, keep-alive and logs.",
        ["Runs"] = "Runs of a flow: their steps, outputs, replay and cancel.",
        ["Triggers"] = "Webhooks, inject and a flow's triggers.",
        ["SLA"] = "Success rate and latency of the tenant's flows.",
        ["Billing"] = "Subscription, checkout and the Stripe customer portal.",
        ["Secrets"] = "Encrypted secrets flows may read.",
        ["Marketplace"] = "Tools and flow templates published, installed and used.",
        ["Memory"] = "A flow's project memory (key/value bytes).",
        ["Alerts"] = "Alerts on failing flows and where they are sent.",
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            CompleteDocument(document);
            return Task.CompletedTask;
        });
        // The JSON options read numbers from strings too (web defaults), so the generator types every number as
        // "integer or numeric string"; the server writes numbers, and clients should send them: document that.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // A JsonObject (a run output's payload) or a map of any JSON (a template's inputs) is any JSON object, not
            // an empty one (the generator leaves additionalProperties out when the values are "any").
            if (context.JsonTypeInfo.Type == typeof(System.Text.Json.Nodes.JsonObject)
                || (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is null))
            {
                schema.AdditionalProperties = new OpenApiSchema();
            }
            const JsonSchemaType numeric = JsonSchemaType.Integer | JsonSchemaType.Number;
            if (schema.Type is { } type && (type & numeric) != 0 && (type & JsonSchemaType.String) != 0 && schema.Pattern is not null)
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var description = context.Description;
            var template = description.ActionDescriptor.AttributeRouteInfo?.Template ?? description.RelativePath;
            var rule = RouteTable.Find(description.HttpMethod ?? "GET", template ?? "");
            CompleteOperation(operation, context.Document, description.HttpMethod ?? "GET", RouteTable.Normalize(template), rule);
            return Task.CompletedTask;
        });
    }

    private static void CompleteDocument(OpenApiDocument document)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "Nextra API";
        document.Info.Description = Introduction;
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/') is { Length: > 0 } url ? url : "/";
        }
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var text)) tag.Description = text;
        }
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "An API key (Settings → API keys): `Authorization: Bearer <key>`. No CSRF header needed.",
        };
        document.Components.SecuritySchemes[Session] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = SessionCookie,
            Description = "The browser session set by `POST /api/auth/login`.",
        };
        document.Components.SecuritySchemes[Csrf] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = CsrfHeader,
            Description = $"With the session cookie, unsafe methods send the value of the `{CsrfCookie}` cookie in this header.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[Problem] = ProblemSchema();
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details with a stable `code`; validation errors add `errors`.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "code", "status", "title" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable, machine-readable; see docs/api.md." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array, Description = "422 `validation_failed`: what was wrong, e.g. `{line, column, code, message}` or `{field, code, message}`.",
                Items = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema() },
            },
        },
    };

    // Webhook, inject and replay: 202 without `wait`, 200 with it, 504 when the run outlives the wait.
    private static void DescribeWait(OpenApiOperation operation)
    {
        var wait = operation.Parameters?.FirstOrDefault(p => p.Name == "wait" && p.In == ParameterLocation.Query);
        if (wait is null) return;
        if (wait is OpenApiParameter waitParameter)
        {
            waitParameter.Description = "Seconds to wait for the run to finish; without it the answer is 202 at once.";
        }
        if (operation.Parameters!.FirstOrDefault(p => p.Name == "answer" && p.In == ParameterLocation.Query) is OpenApiParameter answer)
        {
            answer.Description = "`output` (with `wait`): answer with the run's output payload alone instead of the run.";
        }
        Describe(operation, "200", "With `wait`: the finished run (or, with `answer=output`, its output payload).");
        Describe(operation, "202", "Without `wait`: the run was accepted; follow it at `GET /api/runs/{runId}`.");
        Describe(operation, "504", "With `wait`: the run had not finished in time; it goes on (`runId`).");
    }

    private static void Describe(OpenApiOperation operation, string status, string text)
    {
        if (operation.Responses!.TryGetValue(status, out var response) && response is OpenApiResponse concrete) concrete.Description = text;
    }

    private static void CompleteOperation(OpenApiOperation operation, OpenApiDocument? document, string method, string pattern, RouteRule? rule)
    {
        var unsafeMethod = !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);
        if (rule?.Minimum is null)
        {
            // Anonymous: one empty requirement says "no credentials needed" explicitly.
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            var session = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Session, document)] = [] };
            if (unsafeMethod) session[new OpenApiSecuritySchemeReference(Csrf, document)] = [];
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] },
                session,
            ];
        }

        operation.Responses ??= new OpenApiResponses();
        DescribeWait(operation);
        foreach (var content in operation.Responses.Values.SelectMany(r => r.Content?.Values ?? []))
        {
            // Raw bodies (memory values, YAML, metadata) are strings; the generator leaves them without a schema.
            if (content is OpenApiMediaType media && media.Schema is null) media.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
        }
        foreach (var (status, code) in OpenApiErrors.For(method, pattern, rule, operation.RequestBody is not null || unsafeMethod,
                     operation.RequestBody?.Content?.ContainsKey("application/json") == true))
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var existing) && existing.Content is { Count: > 0 }) continue;
            operation.Responses[key] = new OpenApiResponse
            {
                Description = $"{Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)}: `{code}`",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(Problem, document) },
                },
            };
        }
    }
}
