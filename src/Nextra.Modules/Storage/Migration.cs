namespace Nextra.Modules.Storage;

/// <summary>One numbered SQL script of a module.</summary>
public sealed record Migration(string Module, int Version, string Name, string Sql);
