using System.Text.Json.Serialization;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Headless;

/// <summary>Source-generated camelCase JSON for the run object (AOT friendly).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunRecord))]
public sealed partial class RunJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The same context for terminal output: payload XML and messages stay readable (<c>&lt;Ticket&gt;</c>,
    /// not <c>\u003CTicket\u003E</c>). Safe here because the text goes to a console or a file, never into HTML.
    /// </summary>
    public static RunJsonContext Readable { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
