using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nextra.Host.Tests;

/// <summary>
/// The real host with <c>[storage] provider = "postgres"</c>: every store in a Postgres database of its own on
/// <c>NEXTRA_TEST_POSTGRES</c> (created on first use, dropped on dispose); in-process signals and caches (no Redis).
/// </summary>
public sealed class PostgresNextraFactory : NextraFactory
{
    private readonly string _database = "nextra_host_" + Guid.NewGuid().ToString("N")[..12];
    private bool _created;

    public static string? Admin => Environment.GetEnvironmentVariable("NEXTRA_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings
    {
        get
        {
            if (!_created)
            {
                using var admin = new NpgsqlConnection(Admin ?? throw new InvalidOperationException("NEXTRA_TEST_POSTGRES is not set"));
                admin.Open();
                using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", admin);
                create.ExecuteNonQuery();
                _created = true;
            }
            return
            [
                new("Storage:Provider", "postgres"),
                new("Storage:Postgres", new NpgsqlConnectionStringBuilder(Admin) { Database = _database, MaxPoolSize = 20 }.ConnectionString),
                new("Cluster:LeaseSeconds", "3"),
            ];
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_created) return;
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(Admin);
        admin.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        drop.ExecuteNonQuery();
    }
}

/// <summary>
/// A fact of a suite that runs once per storage provider (an abstract class with one subclass each): on a
/// <c>Postgres*</c> subclass it is skipped, with the reason, when <c>NEXTRA_TEST_POSTGRES</c> is not set.
/// </summary>
[XunitTestCaseDiscoverer("Nextra.Host.Tests.ProviderFactDiscoverer", "Nextra.Host.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProviderFactAttribute : FactAttribute;

/// <summary>The theory twin of <see cref="ProviderFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Nextra.Host.Tests.ProviderTheoryDiscoverer", "Nextra.Host.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProviderTheoryAttribute : TheoryAttribute;

public sealed class ProviderFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo attribute) =>
        ProviderSkip.Unavailable(method)
            ? [new PostgresUnavailableTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)]
            : new FactDiscoverer(diagnostics).Discover(options, method, attribute);
}

public sealed class ProviderTheoryDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo attribute) =>
        ProviderSkip.Unavailable(method)
            ? [new PostgresUnavailableTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)]
            : new TheoryDiscoverer(diagnostics).Discover(options, method, attribute);
}

internal static class ProviderSkip
{
    public static bool Unavailable(ITestMethod method) =>
        method.TestClass.Class.Name.Split('.', '+')[^1].StartsWith("Postgres", StringComparison.Ordinal) && PostgresNextraFactory.Admin is null;
}

/// <summary>A provider test of the Postgres provider on a machine without <c>NEXTRA_TEST_POSTGRES</c>.</summary>
public sealed class PostgresUnavailableTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public PostgresUnavailableTestCase()
    {
    }

    public PostgresUnavailableTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(diagnostics, display, options, method)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => "NEXTRA_TEST_POSTGRES is not set (.ci/run starts PostgreSQL and sets it)";
}
