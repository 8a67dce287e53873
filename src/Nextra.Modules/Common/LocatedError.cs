namespace Nextra.Modules.Common;

/// <summary>An <c>errors[]</c> / <c>problems[]</c> entry pointing into a document (1-based; 0 = unknown).</summary>
public sealed record LocatedError(int Line, int Column, string Code, string Message);
