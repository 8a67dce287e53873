using Nextra.Pump.Config;

namespace Nextra.Pump.Messages;

/// <summary>Payload classes every flow knows without declaring them.</summary>
public static class BuiltInPayloads
{
    public const string SystemError = "SystemError";
    public const string Boot = "Boot";
    public const string LlmReply = "LlmReply";
    public const string HttpResponse = "HttpResponse";

    public static IReadOnlyList<PayloadClassDefinition> All { get; } =
    [
        Class(SystemError, F("Code", "string"), F("Message", "string"), F("RetryAllowed", "bool")),
        Class(Boot, F("OrganismName", "string"), F("Timestamp", "datetime"), F("ListenerCount", "int")),
        Class(LlmReply, F("Text", "string")),
        Class(HttpResponse, F("Status", "int"), F("Headers", "xml"), F("Body", "string")),
    ];

    public static bool IsBuiltIn(string name) => name is SystemError or Boot or LlmReply or HttpResponse;

    private static PayloadClassDefinition Class(string name, params PayloadFieldDefinition[] fields) =>
        new() { Name = name, Fields = fields, BuiltIn = true };

    private static PayloadFieldDefinition F(string name, string type) => new() { Name = name, Type = type };
}
