namespace Nextra.Modules.Storage;

/// <summary>
/// Logical database names. Each maps to <c>{DataDir}/{name}.db</c>; a module that wants its own
/// file (noisy run traces, logs) just uses a new name in <see cref="MigrationServiceCollectionExtensions.AddMigrations"/>.
/// </summary>
public static class Databases
{
    /// <summary>Control-plane data: tenants, users, flows, versions.</summary>
    public const string ControlPlane = "nextra";
}
