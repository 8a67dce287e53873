// Two compiled fixture "modules" for ArchitectureTests.ModuleContracts_ReferenceToAnotherModulesServiceClass_IsReported:
// Owner has a contract (an interface, a record, a marked settings class) and internals (a service class and a row class);
// Caller uses both, one deliberate bad use per way a reference can hide.
#pragma warning disable CA1812, CA1822, IDE0051, IDE0052
using Microsoft.Extensions.DependencyInjection;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests.BoundaryFixture.Owner
{
    public interface IOwnerService { OwnerView Get(); }
    public sealed record OwnerView(string Name);
    [ModuleContract("settings other modules read")]
    public sealed class OwnerSettings { public int Limit { get; init; } }
    public sealed class OwnerService : IOwnerService
    {
        public OwnerView Get() => new(new OwnerRow().Name);
        public OwnerRow Row() => new();
    }
    public sealed class OwnerRow { public string Name { get; init; } = "row"; }
}

namespace Nextra.Host.Tests.BoundaryFixture.Caller
{
    using Nextra.Host.Tests.BoundaryFixture.Owner;

    internal sealed class Good(IOwnerService service, OwnerSettings settings)
    {
        public string Name() => service.Get().Name + settings.Limit;
    }

    internal sealed class BadByField(OwnerService service)
    {
        public string Name() => service.Get().Name;
    }

    internal static class BadByLocator
    {
        public static object Resolve(IServiceProvider sp) => sp.GetRequiredService<OwnerService>();
    }

    internal static class BadByVar
    {
        public static int Length(IServiceProvider sp)
        {
            var service = (IOwnerService)sp.GetRequiredService(typeof(IOwnerService));
            return ((OwnerService)service).Row().Name.Length;
        }
    }

    internal static class BadByLambda
    {
        public static Func<object, string> Describe() => o => o is OwnerService s ? s.Get().Name : "";
    }
}
