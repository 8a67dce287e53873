using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Engine;
using Nextra.Modules.Flows;
using Nextra.Modules.Marketplace.Signing;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.WasmModules;
using Nextra.Pump.Wasm;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Publishing (automated checks, publisher signature, registry countersignature on approval), the catalogue (search with the
/// R7 ranking, listing pages) and votes. Installs and template use are in <see cref="MarketplaceInstalls"/>.
/// </summary>
internal sealed partial class MarketplaceService(
    IMarketplaceStore store,
    MarketplaceKeys keys,
    PackageVerifier verifier,
    ITierLimits tiers,
    IFlowLibrary flows,
    IWasmModuleCode modules,
    WasmRuntime runtime,
    IOptions<MarketplaceOptions> options,
    PublisherKeyService heldKeys,
    TimeProvider time)
{
    public static readonly string[] Reserved = ["nextra", "official", "system"];
    public const int PageSize = 24;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Kebab();

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$")]
    private static partial Regex Semver();

    public static bool IsHandle(string handle) => handle.Length is >= 2 and <= 39 && Kebab().IsMatch(handle);

    private string Now() => SqliteCommands.Iso(time.GetUtcNow());

    // ---- publisher -------------------------------------------------------------------------------------------------------

    /// <summary>The tenant's publisher row, created on first use with a handle derived from <paramref name="hint"/>.</summary>
    public async Task<PublisherRow> PublisherAsync(string tenantId, string hint, CancellationToken ct)
    {
        if (await store.GetPublisherAsync(tenantId, ct) is { } existing)
            return existing;
        var baseHandle = Regex.Replace(hint.ToLowerInvariant().Split('@')[0], "[^a-z0-9]+", "-").Trim('-');
        if (!IsHandle(baseHandle) || Reserved.Contains(baseHandle)) baseHandle = "publisher";
        for (var i = 0; i < 50; i++)
        {
            var handle = i == 0 ? baseHandle : $"{baseHandle}-{i + 1}";
            if (Reserved.Contains(handle)) continue;
            var row = keys.NewPublisher(tenantId, handle);
            if (await store.SavePublisherAsync(row, ct))
                return await store.GetPublisherAsync(tenantId, ct) ?? row;
        }
        throw ApiException.Conflict("No free publisher handle; set one with PUT /api/marketplace/publisher.");
    }

    public async Task<PublisherRow> SetHandleAsync(string tenantId, string hint, string? handle, CancellationToken ct)
    {
        handle = handle?.Trim() ?? "";
        if (!IsHandle(handle))
            throw MarketplaceErrors.Invalid("handle", "A publisher handle is 2-39 characters of lower-case kebab-case (letters, digits, single '-').");
        if (Reserved.Contains(handle))
            throw MarketplaceErrors.Invalid("handle", $"'{handle}' is reserved.");
        var row = await PublisherAsync(tenantId, hint, ct);
        if (row.Handle == handle) return row;
        if (row.Published)
            throw ApiException.Conflict($"The handle '{row.Handle}' is fixed: this tenant has published under it.");
        row.Handle = handle;
        if (!await store.SavePublisherAsync(row, ct))
            throw ApiException.Conflict($"The handle '{handle}' belongs to another publisher.");
        return row;
    }

    // ---- publish ---------------------------------------------------------------------------------------------------------

    /// <summary>Publishes from a module or flow of the tenant (JSON form), or from a <c>.ntpkg</c>'s artifact (<paramref name="package"/>).</summary>
    public async Task<SubmissionResponse> PublishAsync(string tenantId, string hint, PublishRequest body, CancellationToken ct, PackageContent? package = null)
    {
        var kind = body.Kind?.Trim().ToLowerInvariant();
        if (kind is not ("tool" or "flow"))
            throw MarketplaceErrors.Invalid("kind", "kind is tool or flow.");
        var tier = await tiers.ForTenantAsync(tenantId, ct);
        if (kind == "tool") MarketplaceTiers.RequirePublishTools(tier);
        var visibility = body.Visibility?.Trim().ToLowerInvariant() ?? "public";
        if (visibility is not ("public" or "private"))
            throw MarketplaceErrors.Invalid("visibility", "visibility is public or private.");
        if (visibility == "private") MarketplaceTiers.RequirePrivateListings(tier);
        var name = body.Name?.Trim() ?? "";
        if (name.Length > 64 || !Kebab().IsMatch(name))
            throw MarketplaceErrors.Invalid("name", "A listing name is lower-case kebab-case, at most 64 characters (e.g. json-path-pick).");
        var version = body.Version?.Trim() ?? "";
        if (!Semver().IsMatch(version))
            throw MarketplaceErrors.Invalid("version", "version is semver MAJOR.MINOR.PATCH, e.g. 1.0.0.");
        var summary = body.Summary?.Trim() ?? "";
        if (summary.Length is 0 or > 140)
            throw MarketplaceErrors.Invalid("summary", "summary is 1-140 characters.");
        var categories = (body.Categories ?? []).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct().ToArray();
        if (categories.Length is 0 or > 3 || categories.Any(c => !Kebab().IsMatch(c)))
            throw MarketplaceErrors.Invalid("categories", "Give 1-3 categories (lower-case kebab-case).");

        // signature.json without a registry approval: signed by the publisher's own key (nextra marketplace pack --sign); with one: exported by a server.
        var held = package?.Signed is { Approval: null, Countersignature: null } own ? own : null;
        if (held is null && package?.Signed is { } signed)
            return await ImportAsync(tenantId, kind, name, version, summary, categories, visibility, body, package, signed, ct);

        var publisher = await PublisherAsync(tenantId, hint, ct);
        var id = $"{publisher.Handle}/{name}";
        var checks = new List<SubmissionCheck>
        {
            new("schema", true, $"{id}@{version}, {kind}, {visibility}"),
            new("namespace", true, $"'{publisher.Handle}' is this tenant's publisher handle (key {publisher.KeyId})"),
        };
        var existing = await store.GetListingAsync(tenantId, id, ct);
        if (existing is not null && existing.TenantId != tenantId)
            throw PackageVerifier.Refused(MarketplaceErrors.NamespaceMismatch, $"{id} is a listing of another tenant (imported from another server); choose another name.");
        if (existing is not null && existing.Kind != kind)
            throw MarketplaceErrors.Invalid("name", $"{id} is a {existing.Kind} listing; a name has one kind.");
        if (existing?.LatestVersion is { } latest && Compare(version, latest) <= 0)
            throw MarketplaceErrors.Invalid("version", $"{id} is at {latest}; a new version must be higher.");
        if (await store.GetVersionAsync(id, version, ct) is not null)
            throw MarketplaceErrors.Invalid("version", $"{id}@{version} exists; versions are immutable.");

        byte[] content;
        string file;
        string manifest;
        string permissionsHash;
        string? sanitizedYaml = null;
        if (kind == "tool")
        {
            if (package is { Module: { } packaged, ModuleFile: { } packagedFile })
            {
                content = packaged;
                file = packagedFile;
            }
            else
            {
                var code = await modules.GetCodeAsync(tenantId, body.ModuleId ?? "", ct) ?? throw ApiException.NotFound("Module");
                content = code.Content;
                file = code.Format == "wat" ? "tool.wat" : "tool.wasm";
            }
            var permissions = body.Permissions ?? new ToolPermissions();
            checks.AddRange(CheckTool(content, file, permissions));
            manifest = JsonSerializer.Serialize(permissions, MarketplaceJsonContext.Default.ToolPermissions);
            permissionsHash = permissions.Hash();
        }
        else
        {
            string sourceYaml;
            if (package?.FlowYaml is { } packagedYaml)
            {
                // A packaged flow was never saved here: it must validate like one before it can be a template.
                var problems = await flows.ValidateAsync(tenantId, packagedYaml, ct);
                checks.Add(new("flow", problems.Count == 0, problems.Count == 0 ? "flow.yaml validates"
                    : string.Join("; ", problems.Take(5).Select(p => $"line {p.Line}, col {p.Column}: {p.Message}"))));
                sourceYaml = packagedYaml;
            }
            else
            {
                sourceYaml = (await flows.GetAsync(tenantId, body.FlowId ?? "", ct)).OrganismYaml;
            }
            var sanitized = TemplateSanitizer.Sanitize(sourceYaml);
            sanitizedYaml = sanitized.Yaml;
            var local = ModuleReferences.Find(sourceYaml).Where(r => !r.Name.Contains('/')).Select(r => r.Name).Distinct().ToArray();
            checks.Add(new("secret_scan", sanitized.Findings.Length == 0, sanitized.Findings.Length == 0
                ? "no keys, tokens or passwords in the YAML"
                : string.Join("; ", sanitized.Findings.Select(f => $"line {f.Line}, col {f.Column}: {f.Message}"))));
            checks.Add(new("private_modules", local.Length == 0, local.Length == 0
                ? "uses no private modules" : $"uses this tenant's own modules ({string.Join(", ", local)}): publish them as tools and use publisher/name@MAJOR"));
            if (sanitized.Findings.Length > 0)
            {
                var ex = new ApiException(422, MarketplaceErrors.TemplateSecretFound, "Secret in template",
                    $"line {sanitized.Findings[0].Line}, col {sanitized.Findings[0].Column}: {sanitized.Findings[0].Message}");
                ex.Extensions["errors"] = sanitized.Findings;
                ex.Extensions["checks"] = checks.ToArray();
                throw ex;
            }
            content = System.Text.Encoding.UTF8.GetBytes(sanitized.Yaml);
            file = "organism.yaml";
            var header = new TemplateManifest(body.Inputs ?? [], sanitized.Secrets, sanitized.Tools);
            manifest = JsonSerializer.Serialize(header, MarketplaceJsonContext.Default.TemplateManifest);
            permissionsHash = PackageStatement.Digest(manifest);
        }
        var failed = checks.FirstOrDefault(c => !c.Ok);
        if (failed is not null)
        {
            var ex = new ApiException(422, failed.Name == "imports" ? MarketplaceErrors.ImportNotPermitted : ErrorCodes.ValidationFailed,
                "Publishing checks failed", $"{failed.Name}: {failed.Detail}");
            ex.Extensions["checks"] = checks.ToArray();
            throw ex;
        }

        var now = Now();
        VersionRow row;
        if (held is not null)
        {
            // Signed where the publisher keeps its key: verified against its registered key, stored as signed (the registry countersigns on approval).
            var key = await heldKeys.VerifyAsync(tenantId, id, version, kind, file, content, permissionsHash, held, ct);
            row = new VersionRow
            {
                ListingId = id, Version = version, State = "queued", Manifest = manifest, Content = content, Digest = PackageStatement.Digest(content),
                Statement = held.Statement, Signature = held.Signature, SignerKeyId = key.KeyId, CreatedAt = now, PublisherKey = key.PublicKey,
            };
            checks.Add(new("signature", true, $"signed by the publisher's own key {key.KeyId} ({key.Name})"));
        }
        else
        {
            var statement = PackageStatement.Create(id, version, kind, new Dictionary<string, string> { [file] = PackageStatement.Digest(content) }, permissionsHash, now);
            row = new VersionRow
            {
                ListingId = id, Version = version, State = "queued", Manifest = manifest, Content = content, Digest = PackageStatement.Digest(content),
                Statement = statement, Signature = Convert.ToBase64String(keys.SignAsPublisher(publisher, PackageStatement.PublisherMessage(statement))),
                SignerKeyId = publisher.KeyId, CreatedAt = now,
            };
            checks.Add(new("signature", true, $"signed by publisher key {publisher.KeyId}"));
        }
        var listing = existing ?? new ListingRow { Id = id, Kind = kind, Publisher = publisher.Handle, Name = name, TenantId = tenantId, CreatedAt = now };
        listing.DisplayName = string.IsNullOrWhiteSpace(body.DisplayName) ? name : body.DisplayName.Trim();
        listing.Summary = summary;
        listing.Readme = body.Readme ?? "";
        listing.Categories = JsonSerializer.Serialize(categories, MarketplaceJsonContext.Default.StringArray);
        listing.Visibility = visibility;
        listing.UpdatedAt = now;
        await store.SaveListingAsync(listing, ct);
        if (!await store.InsertVersionAsync(row, ct))
            throw MarketplaceErrors.Invalid("version", $"{id}@{version} exists; versions are immutable.");
        if (!publisher.Published)
        {
            publisher.Published = true;
            await store.SavePublisherAsync(publisher, ct);
        }
        var submission = new SubmissionRow
        {
            Id = "sub_" + Guid.NewGuid().ToString("N"), TenantId = tenantId, ListingId = id, Version = version, State = "queued",
            Checks = JsonSerializer.Serialize(checks.ToArray(), MarketplaceJsonContext.Default.SubmissionCheckArray), CreatedAt = now,
        };
        await store.InsertSubmissionAsync(submission, ct);
        if (options.Value.Review != "manual")
            await DecideAsync(submission, approve: true, reason: "automated checks passed ([marketplace] review = auto)", ct);
        return ToResponse(await store.GetSubmissionAsync(tenantId, submission.Id, ct) ?? submission, sanitizedYaml);
    }

    /// <summary>
    /// Publishes a version another server exported signed (<c>GET …/package</c>), byte for byte: its statement, publisher
    /// signature and key, and that registry's countersignature are verified here as at every install and load (the
    /// countersigning key must be this server's or in <c>[marketplace] trusted_keys</c>, else <c>signature_invalid</c> naming
    /// it; altered bytes are <c>digest_mismatch</c>), then the tool's imports against its grants and the template's secret scan.
    /// The listing keeps its id (publisher/name of the origin) and belongs to the importing tenant; with <c>review = "auto"</c>
    /// it is listed with the origin's countersignature, with <c>"manual"</c> it waits for an operator like any submission.
    /// </summary>
    private async Task<SubmissionResponse> ImportAsync(string tenantId, string kind, string name, string version, string summary, string[] categories,
        string visibility, PublishRequest body, PackageContent package, PackageSignature signed, CancellationToken ct)
    {
        static ApiException Invalid(string detail) => PackageVerifier.Refused(MarketplaceErrors.SignatureInvalid, detail);
        string id, file;
        try
        {
            id = PackageStatement.Field(signed.Statement, "id");
            file = PackageStatement.Files(signed.Statement).Keys.Single();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw Invalid("signature.json: the statement is not a package statement (nextra.pkg/v1 with one file).");
        }
        var parts = id.Split('/');
        if (parts.Length != 2 || !IsHandle(parts[0]) || parts[1] != name || PackageStatement.Field(signed.Statement, "version") != version
            || PackageStatement.Field(signed.Statement, "kind") != kind)
            throw Invalid($"manifest.json ({kind} {name}@{version}) is not the package the signed statement names ({id}).");
        var content = kind == "tool" ? package.Module! : System.Text.Encoding.UTF8.GetBytes(package.FlowYaml!);
        var expectedFile = kind == "tool" ? package.ModuleFile! : "organism.yaml";
        if (file != expectedFile)
            throw Invalid($"the signed statement covers {file}, the package carries {expectedFile}.");
        var publisherKey = new byte[32];
        if (!Convert.TryFromBase64String(signed.PublisherKey, publisherKey, out var keyLength) || keyLength != 32 || Ed25519Keys.KeyId(publisherKey) != signed.SignerKeyId)
            throw Invalid($"signature.json: the publisher key is not key {signed.SignerKeyId}.");

        var existing = await store.GetListingAsync(tenantId, id, ct);
        if (existing is not null && (existing.TenantId != tenantId || existing.Kind != kind))
            throw PackageVerifier.Refused(MarketplaceErrors.NamespaceMismatch, $"{id} is already a listing here that this package may not add to (another tenant's or another kind).");
        if (existing is not null)
        {
            foreach (var other in await store.ListVersionsAsync(id, ct))
            {
                if (other.PublisherKey != signed.PublisherKey)
                    throw PackageVerifier.Refused(MarketplaceErrors.NamespaceMismatch, $"{id}@{other.Version} here is signed by another publisher key than {signed.SignerKeyId}.");
            }
        }
        if (await store.GetVersionAsync(id, version, ct) is not null)
            throw MarketplaceErrors.Invalid("version", $"{id}@{version} exists; versions are immutable.");

        var now = Now();
        var level = "community";
        try
        {
            if (signed.Approval is { } approval) level = PackageStatement.Field(approval, "review_level") is { Length: > 0 } l ? l : level;
        }
        catch (JsonException)
        {
            // The verifier refuses a malformed approval below.
        }
        var row = new VersionRow
        {
            ListingId = id, Version = version, State = options.Value.Review == "manual" ? "queued" : "published", Manifest = signed.Manifest,
            Content = content, Digest = PackageStatement.Digest(content), Statement = signed.Statement, Signature = signed.Signature,
            SignerKeyId = signed.SignerKeyId, Approval = signed.Approval, Countersignature = signed.Countersignature, CounterKeyId = signed.CounterKeyId,
            CreatedAt = PackageStatement.Field(signed.Statement, "created"), PublisherKey = signed.PublisherKey,
        };
        var listing = existing ?? new ListingRow { Id = id, Kind = kind, Publisher = parts[0], Name = name, TenantId = tenantId, CreatedAt = now };
        listing.DisplayName = string.IsNullOrWhiteSpace(body.DisplayName) ? name : body.DisplayName.Trim();
        listing.Summary = summary;
        listing.Readme = body.Readme ?? "";
        listing.Categories = JsonSerializer.Serialize(categories, MarketplaceJsonContext.Default.StringArray);
        listing.Visibility = visibility;
        listing.UpdatedAt = now;

        // R3's install checks, on the package as received: signatures (trusted countersigner), digests, revocation.
        await verifier.VerifyAsync(listing, row, ct);
        var checks = new List<SubmissionCheck>
        {
            new("schema", true, $"{id}@{version}, {kind}, {visibility}"),
            new("signature", true, $"signed by publisher key {signed.SignerKeyId}, countersigned by trusted registry key {signed.CounterKeyId} ({level})"),
            new("digests", true, $"{file} and the {(kind == "tool" ? "permissions" : "template header")} match the signed statement"),
        };
        if (kind == "tool")
        {
            var permissions = PackageVerifier.ToolPermissionsOf(row);
            if (body.Permissions is { } declared && declared.Hash() != permissions.Hash())
                throw PackageVerifier.Refused(MarketplaceErrors.DigestMismatch, $"{id}@{version}: manifest.json's permissions are not the signed ones.");
            checks.AddRange(CheckTool(content, file, permissions));
        }
        else
        {
            var scan = TemplateSanitizer.Sanitize(package.FlowYaml!);
            checks.Add(new("secret_scan", scan.Findings.Length == 0, scan.Findings.Length == 0 ? "no keys, tokens or passwords in the YAML"
                : string.Join("; ", scan.Findings.Select(f => $"line {f.Line}, col {f.Column}: {f.Message}"))));
        }
        var failed = checks.FirstOrDefault(c => !c.Ok);
        if (failed is not null)
        {
            var ex = new ApiException(422, failed.Name == "imports" ? MarketplaceErrors.ImportNotPermitted : ErrorCodes.ValidationFailed,
                "Publishing checks failed", $"{failed.Name}: {failed.Detail}");
            ex.Extensions["checks"] = checks.ToArray();
            throw ex;
        }

        if (row.State == "published")
        {
            if (listing.LatestVersion is null || Compare(version, listing.LatestVersion) > 0)
                listing.LatestVersion = version;
            listing.ReviewLevel = level;
            checks.Add(new("review", true, $"imported with the countersignature of registry key {signed.CounterKeyId} ([marketplace] review = auto)"));
        }
        await store.SaveListingAsync(listing, ct);
        if (!await store.InsertVersionAsync(row, ct))
            throw MarketplaceErrors.Invalid("version", $"{id}@{version} exists; versions are immutable.");
        var submission = new SubmissionRow
        {
            Id = "sub_" + Guid.NewGuid().ToString("N"), TenantId = tenantId, ListingId = id, Version = version, State = row.State,
            Checks = JsonSerializer.Serialize(checks.ToArray(), MarketplaceJsonContext.Default.SubmissionCheckArray), CreatedAt = now,
        };
        await store.InsertSubmissionAsync(submission, ct);
        return ToResponse(submission, kind == "flow" ? package.FlowYaml : null);
    }

    private IEnumerable<SubmissionCheck> CheckTool(byte[] content, string file, ToolPermissions permissions)
    {
        if (content.Length > options.Value.MaxToolBytes)
            yield return new("size", false, $"the module is {content.Length} bytes; at most {options.Value.MaxToolBytes}");
        var hostProblems = (permissions.Http?.Hosts ?? []).Select(HostPatterns.Problem).OfType<string>().ToArray();
        yield return new("hosts", hostProblems.Length == 0, hostProblems.Length == 0 ? $"{permissions.Http?.Hosts.Length ?? 0} host pattern(s)" : string.Join("; ", hostProblems));
        var httpHosts = permissions.Http?.Hosts ?? [];
        var secretProblems = (permissions.Secrets ?? []).Where(s => !Regex.IsMatch(s.Name, "^[A-Za-z_][A-Za-z0-9_]*$") || s.Hosts.Length == 0 || s.Hosts.Any(h => !httpHosts.Contains(h)))
            .Select(s => $"secret {s.Name} must have a name of letters, digits and _, and hosts among http.hosts").ToArray();
        yield return new("secrets", secretProblems.Length == 0, secretProblems.Length == 0 ? $"{permissions.Secrets?.Length ?? 0} secret(s)" : string.Join("; ", secretProblems));
        var (ok, detail) = CheckImports(content, file, permissions);
        yield return new("imports", ok, detail);
    }

    /// <summary>Compiles the module and holds its imports to the grants: an ungranted import is <c>import_not_permitted</c>.</summary>
    public (bool Ok, string Detail) CheckImports(byte[] content, string file, ToolPermissions permissions)
    {
        try
        {
            var code = file == "tool.wat" ? WasmCode.FromText("publish", System.Text.Encoding.UTF8.GetString(content)) : WasmCode.FromBinary("publish", content);
            var module = runtime.Compile(code);
            var grants = Grants(permissions);
            var problems = module.CheckImports(grants);
            if (problems.Count > 0)
                return (false, string.Join("; ", problems));
            var unused = grants & ~module.RequiredCapabilities;
            return (true, unused == WasmCapabilities.None ? "imports match the grants" : $"imports within the grants (warning: asks more than it uses: {unused})");
        }
        catch (WasmModuleException ex)
        {
            return (false, ex.Message);
        }
    }

    public static WasmCapabilities Grants(ToolPermissions p) =>
        (p.Log ? WasmCapabilities.Log : WasmCapabilities.None) | (p.Kv is not null ? WasmCapabilities.Kv : WasmCapabilities.None)
        | (p.Http is { Hosts.Length: > 0 } ? WasmCapabilities.Http : WasmCapabilities.None);

    /// <summary>Approves (countersigns and publishes) or rejects a queued submission: automatic review, or the operator's CLI.</summary>
    public async Task DecideAsync(SubmissionRow submission, bool approve, string reason, CancellationToken ct)
    {
        var version = await store.GetVersionAsync(submission.ListingId, submission.Version, ct) ?? throw ApiException.NotFound("Version");
        var checks = (JsonSerializer.Deserialize(submission.Checks, MarketplaceJsonContext.Default.SubmissionCheckArray) ?? []).ToList();
        if (approve)
        {
            var listing = await store.GetListingAsync(submission.TenantId, submission.ListingId, ct) ?? throw ApiException.NotFound("Listing");
            var level = listing.TenantId == PackageVerifier.SystemTenant ? "official" : "community";
            var approval = PackageStatement.Approval(version.Statement, level, Now());
            var server = await keys.ServerKeyAsync(ct);
            version.Approval = approval;
            version.Countersignature = Convert.ToBase64String(await keys.CountersignAsync(PackageStatement.ApprovalMessage(approval), ct));
            version.CounterKeyId = server.KeyId;
            version.State = "published";
            await store.UpdateVersionAsync(version, ct);
            if (listing.LatestVersion is null || Compare(version.Version, listing.LatestVersion) > 0)
                listing.LatestVersion = version.Version;
            listing.ReviewLevel = level;
            listing.UpdatedAt = Now();
            await store.SaveListingAsync(listing, ct);
            checks.Add(new("review", true, $"{reason}; countersigned by registry key {server.KeyId}"));
            submission.State = "published";
        }
        else
        {
            version.State = "rejected";
            await store.UpdateVersionAsync(version, ct);
            checks.Add(new("review", false, reason));
            submission.State = "rejected";
        }
        submission.Checks = JsonSerializer.Serialize(checks.ToArray(), MarketplaceJsonContext.Default.SubmissionCheckArray);
        await store.UpdateSubmissionAsync(submission, ct);
    }

    /// <summary>The tenant's submission; a template's carries its sanitized YAML (the stored, signed content) so the author sees what others receive.</summary>
    public async Task<SubmissionResponse> GetSubmissionAsync(string tenantId, string id, CancellationToken ct)
    {
        var submission = await store.GetSubmissionAsync(tenantId, id, ct) ?? throw ApiException.NotFound("Submission");
        string? yaml = null;
        if (await store.GetListingAsync(tenantId, submission.ListingId, ct) is { Kind: "flow" }
            && await store.GetVersionAsync(submission.ListingId, submission.Version, ct) is { } version)
            yaml = System.Text.Encoding.UTF8.GetString(version.Content);
        return ToResponse(submission, yaml);
    }

    private static SubmissionResponse ToResponse(SubmissionRow s, string? yaml) => new(s.Id, s.State,
        JsonSerializer.Deserialize(s.Checks, MarketplaceJsonContext.Default.SubmissionCheckArray) ?? [], s.State == "published" ? s.ListingId : null, s.Version, yaml);

    /// <summary>Semver order (MAJOR.MINOR.PATCH numerically).</summary>
    public static int Compare(string a, string b)
    {
        static long[] Parts(string v) => [.. v.Split('.').Select(p => long.TryParse(p, out var n) ? n : 0)];
        var (x, y) = (Parts(a), Parts(b));
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    public static string MajorOf(string version) => version.Split('.')[0];
}

/// <summary>A template's header (R6) as stored with each version: inputs, the secrets it names and the tools it uses.</summary>
public sealed record TemplateManifest(TemplateInput[] Inputs, string[] Secrets, string[] Tools);
