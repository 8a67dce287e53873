namespace Nextra.Modules.Tests.Runs;

/// <summary>A clock the test moves by hand (timestamps follow it, so elapsed time is exact).</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Now.UtcTicks;
    public void Advance(TimeSpan by) => Now += by;
}
