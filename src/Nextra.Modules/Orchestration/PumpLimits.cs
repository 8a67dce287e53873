using Nextra.Modules.Common;

namespace Nextra.Modules.Orchestration;

/// <summary>
/// Limits the pump applies to what is injected into a flow. Not a configuration section of its own: the module that
/// accepts payloads sets them (the triggers module, from <c>[triggers] max_xml_depth</c>), so the pump and the intake agree.
/// </summary>
[ModuleContract("limits the pump enforces, set from the triggers module's [triggers] max_xml_depth")]
public sealed class PumpLimits
{
    /// <summary>Deepest element nesting of an injected XML payload (<c>payload_too_deep</c> past it).</summary>
    public int MaxXmlDepth { get; set; } = Nextra.Pump.Messages.XmlLimits.DefaultMaxDepth;
}
