using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nextra.Modules.Tests.Storage;

/// <summary>
/// A fact of a store contract (an abstract class with one subclass per provider): it runs on every subclass, and on
/// a <c>Postgres*</c> subclass it is skipped (with the reason) when <c>NEXTRA_TEST_POSTGRES</c> is not set.
/// </summary>
[XunitTestCaseDiscoverer("Nextra.Modules.Tests.Storage.ContractFactDiscoverer", "Nextra.Modules.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        var postgres = testMethod.TestClass.Class.Name.Split('.', '+')[^1].StartsWith("Postgres", StringComparison.Ordinal);
        yield return postgres && PostgresFactAttribute.ConnectionString is null
            ? new PostgresUnavailableTestCase(diagnostics, display, options, testMethod)
            : new XunitTestCase(diagnostics, display, options, testMethod);
    }
}

/// <summary>A contract fact of the Postgres provider on a machine without <c>NEXTRA_TEST_POSTGRES</c>.</summary>
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
