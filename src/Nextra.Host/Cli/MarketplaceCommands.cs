using System.CommandLine;
using Nextra.Modules.Common;
using Nextra.Modules.Marketplace;

namespace Nextra.Host.Cli;

/// <summary>
/// <c>nextra marketplace review list|approve|reject</c>: the operator's queue when <c>[marketplace] review = "manual"</c>;
/// <c>revoke</c>, <c>revocations</c>, <c>keys</c> and <c>reports</c>: the revocation list, the keys to trust elsewhere, abuse reports.
/// Uses the configured store (SQLite or Postgres), so it is safe while servers run on the same data.
/// </summary>
internal static class MarketplaceCommands
{
    public static Command Create(CliContext context)
    {
        var state = new Option<string>("--state") { Description = "Which submissions: queued (default), published or rejected", DefaultValueFactory = _ => "queued" };
        var list = new Command("list", "List submissions waiting for review (id, listing, version, kind, tenant, submitted, failing checks)") { state };
        list.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var items = await app.Services.GetRequiredService<MarketplaceReview>().ListAsync(parse.GetValue(state) ?? "queued", ct);
            var output = parse.InvocationConfiguration.Output;
            if (items.Count == 0)
            {
                output.WriteLine($"no {parse.GetValue(state)} submissions");
                return;
            }
            var width = Math.Max(7, items.Max(i => $"{i.ListingId}@{i.Version}".Length));
            output.WriteLine($"{"ID",-36}  {"LISTING".PadRight(width)}  {"KIND",-4}  {"STATE",-9}  {"SUBMITTED",-20}  TENANT");
            foreach (var i in items)
                output.WriteLine($"{i.Id,-36}  {$"{i.ListingId}@{i.Version}".PadRight(width)}  {i.Kind,-4}  {i.State,-9}  {i.CreatedAt,-20}  {i.TenantId}");
        }));

        var approveId = new Argument<string>("SUBMISSION") { Description = "A submission id from nextra marketplace review list" };
        var approveReason = new Option<string?>("--reason") { Description = "A note recorded with the approval" };
        var approve = new Command("approve", "Approve a queued submission: the registry countersigns it and it is listed") { approveId, approveReason };
        approve.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var item = await app.Services.GetRequiredService<MarketplaceReview>().ApproveAsync(parse.GetValue(approveId)!, parse.GetValue(approveReason), ct);
            await AuditAsync(app, item, "marketplace.approve", ct);
            parse.InvocationConfiguration.Output.WriteLine($"approved {item.Id}: {item.ListingId}@{item.Version} is {item.State}");
        }));

        var rejectId = new Argument<string>("SUBMISSION") { Description = "A submission id from nextra marketplace review list" };
        var rejectReason = new Option<string>("--reason") { Description = "Why (the author sees it in the submission's checks)", Required = true };
        var reject = new Command("reject", "Reject a queued submission with a reason") { rejectId, rejectReason };
        reject.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var item = await app.Services.GetRequiredService<MarketplaceReview>().RejectAsync(parse.GetValue(rejectId)!, parse.GetValue(rejectReason)!, ct);
            await AuditAsync(app, item, "marketplace.reject", ct);
            parse.InvocationConfiguration.Output.WriteLine($"rejected {item.Id}: {item.ListingId}@{item.Version}");
        }));

        var hiddenLimit = new Option<int>("--limit") { Description = "How many (newest hidden first)", DefaultValueFactory = _ => 100 };
        var hidden = new Command("hidden", "List user reviews hidden after reports from 3 distinct tenants (id, listing, author tenant, reports, text)") { hiddenLimit };
        hidden.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var items = await app.Services.GetRequiredService<MarketplaceReview>().HiddenAsync(parse.GetValue(hiddenLimit), ct);
            var output = parse.InvocationConfiguration.Output;
            if (items.Count == 0)
                output.WriteLine("no hidden reviews");
            foreach (var r in items)
                output.WriteLine($"{r.Id}  {r.ListingId}  {(r.Up ? "up" : "down")}  reports={r.Reports}  hidden={r.HiddenAt}  tenant={r.TenantId}  {r.Text}");
        }));

        var restoreId = new Argument<string>("REVIEW") { Description = "A review id from nextra marketplace review hidden" };
        var restore = new Command("restore", "Show a hidden user review again and drop its reports (3 new reports hide it again)") { restoreId };
        restore.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var item = await app.Services.GetRequiredService<MarketplaceReview>().RestoreAsync(parse.GetValue(restoreId)!, ct);
            await app.Services.GetRequiredService<IAuditLog>().RecordAsync(new AuditRecord(item.TenantId,
                new AuditActor(null, Environment.UserName, AuditVia.Cli), "marketplace.review_restore", item.ListingId, "review=" + item.Id), ct);
            parse.InvocationConfiguration.Output.WriteLine($"restored review {item.Id} on {item.ListingId}");
        }));

        var review = new Command("review", "The manual review queue ([marketplace] review = \"manual\") and hidden user reviews") { list, approve, reject, hidden, restore };
        return new Command("marketplace", "Operate the marketplace") { review, Pack(), Keygen(), Revoke(context), Revocations(context), Keys(context), Reports(context) };
    }

    /// <summary><c>nextra marketplace pack DIR [-o FILE]</c>: zips a folder into a .ntpkg (no server, no database) and checks it reads back.</summary>
    private static Command Pack()
    {
        var dir = new Argument<string>("DIR") { Description = "A folder with manifest.json, README.md and module.wasm / module.wat (a tool) or flow.yaml (a template)" };
        var output = new Option<string?>("--output", "-o") { Description = "The package file to write (default: NAME-VERSION.ntpkg in the current folder)" };
        var sign = new Option<string?>("--sign") { Description = "Sign with this key file (nextra marketplace keygen); register its public key first: POST /api/marketplace/publisher/keys" };
        var publisher = new Option<string?>("--publisher") { Description = "The publisher handle the package is signed for (default: the key file's)" };
        var pack = new Command("pack", "Build a .ntpkg to publish with POST /api/marketplace/publish (multipart field 'package'), signed with your own key (--sign)") { dir, output, sign, publisher };
        pack.SetAction((parse, _) => CliGuard.GuardAsync(parse, async () =>
        {
            var folder = parse.GetValue(dir)!;
            var bytes = NtpkgPackage.Pack(folder, new MarketplaceOptions().MaxToolBytes);
            var request = NtpkgPackage.Read(new MemoryStream(bytes), long.MaxValue).Request;
            var note = "";
            if (parse.GetValue(sign) is { } keyPath)
            {
                var key = PackageSigner.ReadKey(await File.ReadAllTextAsync(keyPath));
                var handle = parse.GetValue(publisher) ?? key.Publisher
                    ?? throw new ArgumentException("Name the publisher handle: --publisher HANDLE (or keygen --publisher HANDLE).");
                bytes = PackageSigner.Sign(bytes, key, handle, TimeProvider.System.GetUtcNow());
                note = $", signed for {handle}/{request.Name} by key {key.KeyId}";
            }
            var target = parse.GetValue(output) ?? $"{request.Name}-{request.Version}.ntpkg";
            await File.WriteAllBytesAsync(target, bytes);
            parse.InvocationConfiguration.Output.WriteLine($"packed {request.Kind} {request.Name}@{request.Version} into {target} ({bytes.Length} bytes{note})");
        }));
        return pack;
    }

    /// <summary><c>nextra marketplace keygen -o FILE [--publisher HANDLE]</c>: a new Ed25519 key pair for <c>pack --sign</c> (no server, no database).</summary>
    private static Command Keygen()
    {
        var output = new Option<string>("--output", "-o") { Description = "The key file to write (it holds the private key: keep it private)", Required = true };
        var publisher = new Option<string?>("--publisher") { Description = "The publisher handle the key signs for (pack --sign uses it)" };
        var keygen = new Command("keygen", "Create a publisher signing key pair; register its public key with POST /api/marketplace/publisher/keys") { output, publisher };
        keygen.SetAction((parse, _) => CliGuard.GuardAsync(parse, async () =>
        {
            var path = parse.GetValue(output)!;
            if (File.Exists(path))
                throw new ArgumentException($"{path} exists; keygen never overwrites a key.");
            var key = PackageSigner.NewKey(parse.GetValue(publisher));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the private key: owner only
            await using (var file = new FileStream(path, options))
            await using (var writer = new StreamWriter(file))
                await writer.WriteAsync(PackageSigner.Serialize(key));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"wrote {path} (key {key.KeyId}; keep it private)");
            o.WriteLine($"public key: {key.PublicKey}");
            o.WriteLine($"register it: curl -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' -d '{{\"publicKey\":\"{key.PublicKey}\",\"name\":\"laptop\"}}' http://HOST/api/marketplace/publisher/keys");
        }));
        return keygen;
    }

    /// <summary><c>nextra marketplace revoke TARGET --reason TEXT</c>: adds a key id, digest or version to the revocation list.</summary>
    private static Command Revoke(CliContext context)
    {
        var target = new Argument<string>("TARGET") { Description = "key:KEYID, sha256:DIGEST, or publisher/name@VERSION (@* for every version)" };
        var reason = new Option<string>("--reason") { Description = "Why (installers and GET /api/marketplace/revoked.json show it)", Required = true };
        var revoke = new Command("revoke", "Revoke a signing key, a digest or a version: installs and every load refuse it (key_revoked / tool_revoked)") { target, reason };
        revoke.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var added = await app.Services.GetRequiredService<MarketplaceRegistry>().RevokeAsync(parse.GetValue(target)!, parse.GetValue(reason)!, ct);
            parse.InvocationConfiguration.Output.WriteLine(added ? $"revoked {parse.GetValue(target)!.Trim()}" : $"{parse.GetValue(target)!.Trim()} was already revoked");
        }));
        return revoke;
    }

    private static Command Revocations(CliContext context)
    {
        var list = new Command("revocations", "List the revocation list (the store's entries and [marketplace] revoked)");
        list.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var items = await app.Services.GetRequiredService<MarketplaceRegistry>().ListAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            if (items.Count == 0)
                output.WriteLine("nothing is revoked");
            foreach (var r in items)
                output.WriteLine($"{r.Kind,-8} {r.Value}  {r.At}  {r.Reason}");
        }));
        return list;
    }

    /// <summary><c>nextra marketplace keys</c>: the registry's public key, as a line for another server's nextra.toml, and the signed keys.json.</summary>
    private static Command Keys(CliContext context)
    {
        var keys = new Command("keys", "Print this registry's public key (for [marketplace] trusted_keys on other servers) and its signed keys.json");
        keys.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var doc = await app.Services.GetRequiredService<MarketplaceRegistry>().KeysAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"# trust what this server approved, in the other server's nextra.toml:\n[marketplace]\ntrusted_keys = [{string.Join(", ", doc.Keys.Select(k => $"\"{k.PublicKey}\""))}]");
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(doc, MarketplaceCliJson.Default.KeysDocument));
        }));
        return keys;
    }

    private static Command Reports(CliContext context)
    {
        var limit = new Option<int>("--limit") { Description = "How many (newest first)", DefaultValueFactory = _ => 100 };
        var reports = new Command("reports", "List abuse reports on listings, newest first") { limit };
        reports.SetAction((parse, ct) => CliGuard.GuardAsync(parse, async () =>
        {
            await using var app = await context.BuildForCommandAsync(parse, ct);
            var items = await app.Services.GetRequiredService<MarketplaceRegistry>().ReportsAsync(parse.GetValue(limit), ct);
            var output = parse.InvocationConfiguration.Output;
            if (items.Count == 0)
                output.WriteLine("no reports");
            foreach (var r in items)
                output.WriteLine($"{r.CreatedAt}  {r.ListingId}  {r.Reason}  tenant={r.TenantId}{(r.Text is null ? "" : "  " + r.Text)}");
        }));
        return reports;
    }

    private static Task AuditAsync(WebApplication app, ReviewItem item, string action, CancellationToken ct) =>
        app.Services.GetRequiredService<IAuditLog>().RecordAsync(new AuditRecord(item.TenantId,
            new AuditActor(null, Environment.UserName, AuditVia.Cli), action, $"{item.ListingId}@{item.Version}", "submission=" + item.Id), ct);
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(KeysDocument))]
internal sealed partial class MarketplaceCliJson : System.Text.Json.Serialization.JsonSerializerContext;
