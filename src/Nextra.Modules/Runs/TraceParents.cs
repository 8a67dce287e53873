using System.Diagnostics;

namespace Nextra.Modules.Runs;

/// <summary>W3C <c>traceparent</c> values as runs carry them (inbox row, recorded injection, the run's <c>traceId</c>).</summary>
public static class TraceParents
{
    /// <summary>The caller's trace context (the HTTP request's span), or a fresh root when there is none.</summary>
    public static string CurrentOrNew()
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current) return current.Id!;
        return "00-" + ActivityTraceId.CreateRandom().ToHexString() + "-" + ActivitySpanId.CreateRandom().ToHexString() + "-00";
    }

    /// <summary>The 32-hex trace id of a <c>traceparent</c>, or null when it is absent or malformed.</summary>
    public static string? TraceIdOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;
}
