using System.Text.Json;

namespace Nextra.Modules.Marketplace;

// Wire records of the Marketplace section of docs/api.md (names and shapes fixed by issue 14).

/// <summary>One card of <c>GET /api/marketplace/tools|flows</c>.</summary>
public sealed record ListingSummary(string Id, string Kind, string Version, string DisplayName, string Summary, string[] Categories,
    string Publisher, string ReviewLevel, long Installs, long VotesUp, long VotesDown, DateTimeOffset UpdatedAt);

public sealed record ListingPage(ListingSummary[] Items, string? NextCursor);

public sealed record ListingVersion(string Version, string State, string Digest, DateTimeOffset CreatedAt);

/// <summary>A secret a tool or template needs: its name, why, and (tools) the only hosts it may be sent to.</summary>
public sealed record ListingSecret(string Name, string? Purpose, string[] Hosts);

/// <summary>A template input (R6): id, type string|int|bool|enum|url, label, default, required, pattern, enum values.</summary>
public sealed record TemplateInput(string Id, string? Type = "string", string? Label = null, string? Default = null, bool Required = false,
    string? Pattern = null, string[]? Values = null);

public sealed record ListingReview(bool Up, string? Text, DateTimeOffset CreatedAt);

/// <summary><c>GET /api/marketplace/{tools|flows}/{publisher}/{name}</c>.</summary>
public sealed record ListingDetail(string Id, string Kind, string Publisher, string Name, string Version, string DisplayName, string Summary,
    string[] Categories, string ReviewLevel, string Visibility, long Installs, long VotesUp, long VotesDown, DateTimeOffset UpdatedAt,
    ListingVersion[] Versions, ToolPermissions? Permissions, string[] PermissionSummary, string ReadmeHtml, ListingSecret[] Secrets,
    TemplateInput[] Inputs, string[] Tools, ListingReview[] Reviews, string? InstallId, bool SignatureValid);

/// <summary><c>POST /api/marketplace/publish</c> (JSON form): a tool from a registered module, or a template from a flow.</summary>
public sealed record PublishRequest(string? Kind, string? ModuleId, string? FlowId, string? Name, string? Version, string? DisplayName,
    string? Summary, string? Readme, string[]? Categories, ToolPermissions? Permissions, TemplateInput[]? Inputs, string? Visibility);

public sealed record PublishAccepted(string SubmissionId);

public sealed record SubmissionCheck(string Name, bool Ok, string? Detail);

public sealed record SubmissionResponse(string Id, string State, SubmissionCheck[] Checks, string? ListingId, string? Version, string? SanitizedYaml);

/// <summary><c>POST /api/marketplace/installs</c>: the listing id (publisher/name), the version (latest when null), consent, and secret bindings (tool secret → tenant secret).</summary>
public sealed record InstallRequest(string? Id, string? Version, bool AcceptPermissions, Dictionary<string, string>? SecretBindings);

/// <summary><c>PATCH /api/marketplace/installs/{id}</c>: approve the pending upgrade, move to a version, roll back, toggle auto-update.</summary>
public sealed record InstallPatch(bool? Approve, string? Version, bool? Rollback, bool? AutoUpdate, bool? AcceptPermissions,
    Dictionary<string, string>? SecretBindings);

public sealed record InstallResponse(string Id, string ListingId, string Kind, string Version, string Major, string Digest, string Module,
    ToolPermissions? Permissions, string[] PermissionSummary, Dictionary<string, string> SecretBindings, bool AutoUpdate,
    string? PendingVersion, string[] PendingChanges, string? PreviousVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>POST /api/marketplace/flows/{publisher}/{name}/use</c>.</summary>
public sealed record UseTemplateRequest(string? Version, string? Name, Dictionary<string, JsonElement>? Inputs, Dictionary<string, string>? SecretBindings);

/// <summary><c>POST …/votes</c>: one per tenant, a repeat replaces it.</summary>
public sealed record VoteRequest(bool Up, string? Text);

public sealed record VoteResponse(long VotesUp, long VotesDown);

/// <summary><c>GET /api/marketplace/publisher</c> and <c>PUT</c>: the tenant's handle (changeable until its first publication) and key id.</summary>
public sealed record PublisherResponse(string Handle, bool Published, string KeyId, string PublicKey);

public sealed record PublisherRequest(string? Handle);
