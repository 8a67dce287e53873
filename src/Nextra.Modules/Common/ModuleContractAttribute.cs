namespace Nextra.Modules.Common;

/// <summary>
/// Marks a public class as part of its module's contract although it is not one of the shapes the architecture test
/// accepts on its own (interfaces, records, structs, enums, delegates, exceptions, attributes, static classes, options
/// classes named <c>*Options</c>). Use it for values and settings other modules read, never for a module's services:
/// those get an interface. The reason is required so a reader sees why the class crosses a module boundary.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModuleContractAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
