namespace Nextra.Pump.Handlers;

/// <summary>
/// A handler that sends to listeners named in its config (branch cases, a map's <c>to</c>, a sequence's
/// steps): the edges the pump follows, with peers and <c>fanout</c>, to find which join a fan-out comes back to.
/// </summary>
internal interface IDeclaresTargets
{
    IEnumerable<string> Targets { get; }
}
