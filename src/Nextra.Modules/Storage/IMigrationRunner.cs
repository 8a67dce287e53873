namespace Nextra.Modules.Storage;

/// <summary>Applies every registered module's pending migrations; safe to call from several processes at once.</summary>
public interface IMigrationRunner
{
    Task<MigrationReport> ApplyAsync(CancellationToken ct = default);
}

/// <summary>What one <see cref="IMigrationRunner.ApplyAsync"/> call did.</summary>
public sealed record MigrationReport(IReadOnlyList<Migration> Applied, IReadOnlyList<string> Backups);
