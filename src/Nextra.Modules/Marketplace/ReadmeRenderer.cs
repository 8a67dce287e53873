using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// README Markdown to HTML on the server, made harmless: raw HTML is escaped (so no <c>&lt;script&gt;</c> and no event-handler
/// attributes reach the page), links and images keep only http(s), mailto and relative URLs, links get <c>rel="nofollow noopener"</c>.
/// </summary>
public static class ReadmeRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    public static string Render(string markdown)
    {
        var doc = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var link in doc.Descendants<LinkInline>())
        {
            if (!SafeUrl(link.Url))
                link.Url = "#";
            if (!link.IsImage)
                link.GetAttributes().AddPropertyIfNotExist("rel", "nofollow noopener");
        }
        foreach (var auto in doc.Descendants<AutolinkInline>())
        {
            if (!SafeUrl(auto.Url))
                auto.Url = "#";
            auto.GetAttributes().AddPropertyIfNotExist("rel", "nofollow noopener");
        }
        return doc.ToHtml(Pipeline);
    }

    private static bool SafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return true;
        var trimmed = new string([.. url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c))]);
        var colon = trimmed.IndexOf(':');
        var slash = trimmed.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (slash >= 0 && slash < colon))
            return true; // relative
        var scheme = trimmed[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }
}
