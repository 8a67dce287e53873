using System.Xml.XPath;

namespace Nextra.Pump.Handlers;

/// <summary>
/// <c>handler: branch</c>: evaluates XPath 1.0 predicates over the payload element, in order, and
/// forwards the payload unchanged to the first matching case's listener, else to <c>else</c>.
/// No match and no <c>else</c> is a step error <c>branch_no_match</c>.
/// </summary>
public sealed class BranchHandler(IReadOnlyList<(XPathExpression Condition, string To)> cases, string? otherwise) : IHandler, IDeclaresTargets
{
    IEnumerable<string> IDeclaresTargets.Targets => otherwise is null ? cases.Select(c => c.To) : cases.Select(c => c.To).Append(otherwise);

    public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var nav = context.Payload.CreateNavigator();
        foreach (var (condition, to) in cases)
        {
            if (Matches(nav, condition))
            {
                return new(HandlerResult.Forward(context.Payload, to));
            }
        }
        if (otherwise is not null)
        {
            return new(HandlerResult.Forward(context.Payload, otherwise));
        }
        throw new HandlerException("branch_no_match", "no case matched the payload and the branch has no 'else'");
    }

    private static bool Matches(XPathNavigator nav, XPathExpression condition)
    {
        // Expressions are shared between concurrent calls; Clone() keeps evaluation thread-safe.
        var result = nav.Evaluate(condition.Clone());
        return result switch
        {
            bool b => b,
            double d => d != 0 && !double.IsNaN(d),
            string s => s.Length > 0,
            XPathNodeIterator it => it.MoveNext(),
            _ => false,
        };
    }
}
