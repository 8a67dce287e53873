using System.Xml.Linq;

namespace Nextra.Pump.Handlers.Llm;

/// <summary>What the lenient XML reader found in an LLM reply: payload elements in order, repairs made, and the text outside them.</summary>
public sealed record PayloadExtraction(IReadOnlyList<XElement> Payloads, IReadOnlyList<string> Repairs, string TextOutside);

/// <summary>Finds (and repairs) XML payloads in free text; the pump's XmlRepair in production.</summary>
public delegate PayloadExtraction PayloadExtractor(string text);
