namespace Nextra.Modules.Marketplace.Starter;

/// <summary>One built-in listing: a tool (an embedded AssemblyScript build) or a template (an embedded organism.yaml).</summary>
internal sealed record StarterEntry(string Kind, string Name, string DisplayName, string Summary, string[] Categories, string Readme,
    ToolPermissions? Permissions = null, TemplateInput[]? Inputs = null);

/// <summary>
/// The starter catalogue every fresh install shows, published as <c>nextra/*</c> and signed by the server's registry key:
/// four tools built from the AssemblyScript sources beside this file (<c>tools/*.ts</c>, rebuilt by <c>tools/build.sh</c>)
/// and ten flow templates (<c>templates/*.yaml</c>).
/// </summary>
internal static class StarterCatalogue
{
    public const string Version = "1.0.0";

    private static readonly TemplateInput Model = new("model", "string", "Model", "gpt-4o-mini", true);
    private static readonly TemplateInput LlmBaseUrl = new("llm_base_url", "url", "OpenAI-compatible base URL", "https://api.openai.com/v1", true);

    private static string ToolReadme(string what, string input, string output) =>
        $"# {what}\n\nBuilt from AssemblyScript (the source ships with Nextra). No network, no memory, no secrets.\n\n" +
        $"**Input** fields: {input}\n\n**Output** fields: {output}\n\nUse it in a flow as a code block:\n\n```yaml\nhandler: code\nconfig: {{module: \"nextra/NAME@1\", output: YourClass}}\n```\n";

    private static readonly ToolPermissions Pure = new() { Limits = new ToolLimits(50_000_000, 16, 2000) };

    public static readonly StarterEntry[] Entries =
    [
        new("tool", "json-path-pick", "JSON path pick", "Picks one value out of a JSON document by a dot path (a.b.0.c)", ["data"],
            ToolReadme("JSON path pick", "`json` (a JSON object as text), `path` (dot-separated keys and array indexes)", "`value` (text; objects and arrays as JSON), `found` (bool)").Replace("NAME", "json-path-pick"), Pure),
        new("tool", "text-template", "Text template", "Fills {{name}} placeholders in a template from a JSON object of values", ["text"],
            ToolReadme("Text template", "`template` (text with {{name}} placeholders), `values` (a JSON object as text)", "`text`").Replace("NAME", "text-template"), Pure),
        new("tool", "extract-emails", "Extract emails", "Finds the email addresses in a text, in order and without repeats", ["text", "data"],
            ToolReadme("Extract emails", "`text`", "`emails` (comma-separated), `count` (int)").Replace("NAME", "extract-emails"), Pure),
        new("tool", "hmac-sha256", "HMAC-SHA256 verify", "Computes HMAC-SHA256 of a message and checks it against an expected signature", ["security"],
            ToolReadme("HMAC-SHA256", "`message`, `key`, `expected` (hex, optional)", "`hex` (the MAC, lower-case hex), `valid` (constant-time match with expected)").Replace("NAME", "hmac-sha256"), Pure),

        new("flow", "support-ticket-triage", "Support ticket triage agent", "An agent sets each ticket's priority; urgent ones go to on-call", ["support", "ai"],
            "# Support ticket triage\n\nA webhook receives tickets (`Subject`, `Body`); an LLM agent gives each a priority from 1 to 5 and a reason; a branch sends 4 and 5 to the on-call output.\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl]),
        new("flow", "webhook-summarize-chat", "Webhook → summarize → chat", "Summarizes what a webhook receives and posts it to a chat webhook", ["ai", "notifications"],
            "# Summarize to chat\n\nAnything posted to the webhook (`Text`) is summarized by an agent in two sentences and posted to a Slack, Teams or Mattermost incoming webhook.\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl, new("chat_webhook_url", "url", "Chat incoming-webhook URL", null, true)]),
        new("flow", "http-health-check", "Scheduled HTTP health check", "Checks a URL on a schedule and posts an alert when it is not 2xx", ["monitoring"],
            "# HTTP health check\n\nA schedule requests the URL; a branch ends healthy answers and sends anything else to an alert webhook.",
            Inputs: [new("health_url", "url", "URL to check", null, true), new("alert_webhook_url", "url", "Alert webhook URL", null, true),
                new("cron", "string", "Schedule (cron)", "*/5 * * * *", true)]),
        new("flow", "lead-enrichment", "Lead enrichment", "Extracts contacts from an inbound lead and has an agent score it", ["sales", "ai"],
            "# Lead enrichment\n\nUses the `nextra/extract-emails` tool (install it first), then an agent scores the lead against your ideal customer.\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl, new("ideal_customer", "string", "Ideal customer", "B2B software companies", true)]),
        new("flow", "document-qa", "Document Q&A with project memory", "Answers questions from your documents kept in project memory", ["ai", "knowledge"],
            "# Document Q&A\n\nPut documents in the flow's project memory (Runs → Memory, or the memory API); an agent answers questions from them.\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl, new("topic", "string", "What the documents are about", "our product", true)]),
        new("flow", "content-moderation", "Content moderation with a branch", "Holds posts containing a blocked word for review, publishes the rest", ["moderation"],
            "# Content moderation\n\nA branch looks for a blocked word (case-insensitive) in each post; matches go to the review output, the rest to publish. No AI, no secrets.",
            Inputs: [new("blocked_word", "string", "Blocked word (lower case)", "spam", true, "[a-z0-9 ]+")]),
        new("flow", "multi-agent-research", "Multi-agent research with a loop", "A researcher refines notes in a loop, a writer turns them into a brief", ["ai", "research"],
            "# Multi-agent research\n\nThe researcher sends its notes back to itself twice (a loop bounded by `max_message_depth`), then to a writer who writes the brief.\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl]),
        new("flow", "parallel-fanout", "Parallel reviewers (fan-out and join)", "Asks three reviewers at once and joins their answers in order", ["ai", "parallel"],
            "# Parallel reviewers\n\nA fan-out sends the draft to three agents at once; a join collects their reviews in order (a failed or late one is an item with `Success: false`).\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl]),
        new("flow", "cron-digest", "Daily digest", "Every morning, fetches a feed, writes a digest and posts it to chat", ["ai", "notifications"],
            "# Daily digest\n\nA schedule fetches a feed, an agent writes a five-item digest, and it is posted to a chat webhook.\n\nNeeds the secret `OPENAI_API_KEY`.",
            Inputs: [Model, LlmBaseUrl, new("feed_url", "url", "Feed URL", null, true), new("chat_webhook_url", "url", "Chat incoming-webhook URL", null, true),
                new("cron", "string", "Schedule (cron)", "0 8 * * *", true)]),
        new("flow", "api-call-failure-queue", "API call with a failure queue", "Calls an API with a bearer token; refused calls wait in a queue to replay", ["integration"],
            "# API call with a failure queue\n\nEach webhook payload is posted to your API with `Authorization: Bearer` from the secret `API_TOKEN`; 2xx answers end in done, anything else in failed, where a replay sends it again.",
            Inputs: [new("api_url", "url", "API URL", null, true)]),
    ];

    public static byte[] Content(StarterEntry entry)
    {
        var resource = entry.Kind == "tool" ? $"Marketplace.Starter.tools.{entry.Name}.wasm" : $"Marketplace.Starter.templates.{entry.Name}.yaml";
        var assembly = typeof(StarterCatalogue).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(resource, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
