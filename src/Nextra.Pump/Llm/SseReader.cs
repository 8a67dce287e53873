using System.Runtime.CompilerServices;
using System.Text;

namespace Nextra.Pump.Llm;

/// <summary>One server-sent event: its <c>event:</c> name (null when absent) and joined <c>data:</c> lines.</summary>
public readonly record struct SseEvent(string? Event, string Data);

/// <summary>Minimal text/event-stream reader (the subset OpenAI and Anthropic send).</summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        var hasData = false;
        while (true)
        {
            var line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null || line.Length == 0)
            {
                if (hasData)
                    yield return new SseEvent(name, data.ToString());
                if (line is null)
                    yield break;
                name = null;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':')
                continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
                value = value[1..];
            if (field == "event")
                name = value;
            else if (field == "data")
            {
                if (hasData)
                    data.Append('\n');
                data.Append(value);
                hasData = true;
            }
        }
    }
}
