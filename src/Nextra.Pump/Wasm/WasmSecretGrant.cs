namespace Nextra.Pump.Wasm;

/// <summary>
/// A secret a module's manifest grants (a marketplace tool): the module writes <c>{secret:NAME}</c> (or
/// <c>{{secret:NAME}}</c>) in a request header of <c>http_fetch</c>, and the host puts the value of the tenant secret
/// <see cref="Binding"/> there only when the request's URL is one <see cref="AllowsUrl"/> accepts (the secret's own
/// hosts). The value never enters guest memory, and the header is dropped if a redirect leaves the origin.
/// </summary>
public sealed record WasmSecretGrant(string Name, string Binding, Func<Uri, bool> AllowsUrl);
