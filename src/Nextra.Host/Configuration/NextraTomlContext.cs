using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Nextra.Host.Configuration;

/// <summary>Source-generated Tomlyn metadata so reading nextra.toml needs no reflection (AOT).</summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class NextraTomlContext : TomlSerializerContext;
