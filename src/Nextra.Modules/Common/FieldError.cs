namespace Nextra.Modules.Common;

/// <summary>An <c>errors[]</c> entry for request fields (not document positions).</summary>
public sealed record FieldError(string Field, string Code, string Message);
