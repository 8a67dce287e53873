using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Nextra.Modules.Storage;

/// <summary>How a module declares its schema.</summary>
public static class MigrationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded <c>Migrations/NNNN_verb_noun.sql</c> files of a module for
    /// <paramref name="database"/> (file <c>{DataDir}/{database}.db</c>). Scripts are found by the
    /// resource-name segment <c>.{folder}.Migrations.</c>; <paramref name="folder"/> defaults to
    /// <paramref name="module"/> (case-insensitive), e.g. <c>AddMigrations("runs", typeof(RunsModule).Assembly, "traces")</c>
    /// picks up <c>Runs/Migrations/0001_create_runs.sql</c> (and <c>Runs/Migrations/Postgres/0001_create_runs.sql</c> on
    /// Postgres). <paramref name="after"/> names the modules whose tables these reference; they migrate first.
    /// </summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, string module, Assembly assembly,
        string database = Databases.ControlPlane, string? folder = null, params string[] after)
    {
        services.AddSingleton(new MigrationSource(module, assembly, database, folder ?? module) { After = after });
        return services;
    }
}
