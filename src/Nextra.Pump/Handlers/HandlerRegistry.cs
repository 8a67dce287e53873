namespace Nextra.Pump.Handlers;

/// <summary>
/// Handler kinds a host offers: maps <c>handler: KIND</c> to its factory. The built-in kinds
/// <c>output</c> and <c>branch</c> are always present; <c>llm</c>, <c>http</c>, <c>code</c> and
/// <c>dotnet</c> are known kinds that exist only when the host registers their factories.
/// </summary>
public sealed class HandlerRegistry
{
    /// <summary>Kinds Nextra defines whose factories come from other assemblies or the host.</summary>
    public static IReadOnlyList<string> ExternalKinds { get; } = ["llm", "http", "code", "dotnet"];

    private readonly Dictionary<string, IHandlerFactory> _factories = new(StringComparer.Ordinal);

    public HandlerRegistry(IEnumerable<IHandlerFactory>? extraKinds = null)
    {
        Register(new OutputHandlerFactory());
        Register(new BranchHandlerFactory());
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
    public static bool IsKnownKind(string kind) => kind is "output" or "branch" || ExternalKinds.Contains(kind);
}
