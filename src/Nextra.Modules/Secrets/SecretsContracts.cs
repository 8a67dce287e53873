namespace Nextra.Modules.Secrets;

/// <summary>One entry of <c>GET /api/secrets</c>: never the value.</summary>
public sealed record SecretListItem(string Name, DateTimeOffset UpdatedAt);

/// <summary>Body of <c>PUT /api/secrets/{name}</c>.</summary>
public sealed record PutSecretRequest(string? Value);
