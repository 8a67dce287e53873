using Cronos;

namespace Nextra.Modules.Triggers;

/// <summary>
/// A schedule trigger's cron expression in its time zone. Slots are the UTC instants the
/// expression matches; a slot is the unit of "exactly one fire" (unique (trigger, slot) row).
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        _zone = zone;
    }

    /// <summary>Parses 5-field (minutes) or 6-field (seconds) cron; time zone is an IANA id, UTC when null.</summary>
    public static CronSchedule Parse(string cron, string? timezone)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        var expression = CronExpression.Parse(cron, format);
        var zone = string.IsNullOrWhiteSpace(timezone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timezone);
        return new CronSchedule(expression, zone);
    }

    public static bool TryParse(string cron, string? timezone, out CronSchedule? schedule, out string? error)
    {
        try
        {
            schedule = Parse(cron, timezone);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CronFormatException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            schedule = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The first slot strictly after <paramref name="after"/>, or null when the expression never fires again.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var next = _expression.GetNextOccurrence(after.UtcDateTime, _zone, inclusive: false);
        return next is null ? null : new DateTimeOffset(next.Value, TimeSpan.Zero);
    }

    /// <summary>The next <paramref name="count"/> slots after <paramref name="after"/>.</summary>
    public IReadOnlyList<DateTimeOffset> NextSlots(DateTimeOffset after, int count)
    {
        var slots = new List<DateTimeOffset>(count);
        var cursor = after;
        while (slots.Count < count && Next(cursor) is { } slot)
        {
            slots.Add(slot);
            cursor = slot;
        }
        return slots;
    }

    /// <summary>
    /// The slots to fire now, given the last slot fired (or the time the schedule was armed) and the current time:
    /// every slot within the grace window is on time and fires, each once (a late timer tick, or another instance
    /// taking the flow over after its owner died, loses none of them); slots older than that were missed while
    /// nothing ran the flow: dropped (<c>skip</c>) or, when nothing is on time, collapsed into one fire of the
    /// latest of them (<c>run_once</c>).
    /// </summary>
    public IReadOnlyList<DateTimeOffset> DueSlots(DateTimeOffset lastFired, DateTimeOffset now, string missedPolicy, TimeSpan grace)
    {
        var due = new List<DateTimeOffset>();
        DateTimeOffset? missed = null;
        var cursor = lastFired;
        // Walk forward to now; cap the walk so a "* * * * * *" after a month down stays cheap.
        for (var i = 0; i < 100_000 && Next(cursor) is { } slot && slot <= now; i++)
        {
            if (now - slot <= grace) due.Add(slot);
            else missed = slot;
            cursor = slot;
        }
        if (due.Count == 0 && missed is { } latest && missedPolicy == "run_once") due.Add(latest);
        return due;
    }
}
