namespace Nextra.Pump.Config;

/// <summary>
/// One problem found in a flow document: where it is (1-based line and column, 0 when unknown),
/// a stable machine-readable code (snake_case, e.g. <c>unknown_key</c>) and a message a person can act on.
/// </summary>
public sealed record ValidationProblem(int Line, int Column, string Code, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {Code}: {Message}";
}
