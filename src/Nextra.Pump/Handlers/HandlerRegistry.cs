namespace Nextra.Pump.Handlers;

/// <summary>
/// Handler kinds a host offers: maps <c>handler: KIND</c> to its factory. The built-in kinds
/// <c>output</c>, <c>branch</c>, <c>fanout</c>, <c>join</c>, <c>map</c> and <c>sequence</c> are always present; <c>llm</c>, <c>http</c>, <c>code</c> and
/// <c>dotnet</c> are known kinds that exist only when the host registers their factories.
/// </summary>
public sealed class HandlerRegistry
{
    /// <summary>Kinds Nextra defines whose factories come from other assemblies or the host.</summary>
    public static IReadOnlyList<string> ExternalKinds { get; } = ["llm", "http", "code", "dotnet"];

    /// <summary>Kinds every registry holds: they need nothing from the host.</summary>
    public static IReadOnlyList<string> BuiltInKinds { get; } = ["output", "branch", "fanout", "join", "map", "sequence"];

    private readonly Dictionary<string, IHandlerFactory> _factories = new(StringComparer.Ordinal);

    public HandlerRegistry(IEnumerable<IHandlerFactory>? extraKinds = null)
    {
        Register(new OutputHandlerFactory());
        Register(new BranchHandlerFactory());
        Register(new Parallel.FanoutHandlerFactory());
        Register(new Parallel.JoinHandlerFactory());
        Register(new Parallel.MapHandlerFactory());
        Register(new Parallel.SequenceHandlerFactory());
        foreach (var f in extraKinds ?? [])
        {
            Register(f);
        }
    }

    /// <summary>Adds or replaces the factory for its kind.</summary>
    public HandlerRegistry Register(IHandlerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factories[factory.Kind] = factory;
        return this;
    }

    public IHandlerFactory? Find(string kind) => _factories.GetValueOrDefault(kind);

    public IReadOnlyCollection<string> Kinds => _factories.Keys;

    /// <summary>True for kinds Nextra defines (registered or not).</summary>
    public static bool IsKnownKind(string kind) => BuiltInKinds.Contains(kind) || ExternalKinds.Contains(kind);
}
