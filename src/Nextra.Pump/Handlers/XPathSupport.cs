using System.Xml.XPath;
using System.Xml.Xsl;

namespace Nextra.Pump.Handlers;

/// <summary>
/// What a branch condition may use: XPath 1.0 over the payload with the core function library. Variables,
/// namespace prefixes, extension and XSLT functions (<c>document()</c>, <c>current()</c>, <c>key()</c>…) compile
/// but can only fail at run time, because a branch evaluates without an XSLT context; this finds them at
/// validation. It binds a recording context to a copy of the expression, which makes System.Xml resolve
/// every such name up front.
/// </summary>
internal sealed class XPathSupport : XsltContext
{
    private readonly List<string> _unsupported = [];

    /// <summary>The unsupported names in <paramref name="condition"/> (<c>$var</c>, <c>name()</c>, or the prefix problem); empty when it is fine.</summary>
    public static IReadOnlyList<string> Unsupported(string condition)
    {
        var context = new XPathSupport();
        try
        {
            XPathExpression.Compile(condition).SetContext(context);
        }
        catch (XPathException ex)
        {
            context._unsupported.Add(ex.Message.TrimEnd('.'));
        }
        return context._unsupported;
    }

    public override IXsltContextFunction ResolveFunction(string prefix, string name, XPathResultType[] ArgTypes)
    {
        _unsupported.Add((prefix.Length > 0 ? prefix + ":" : "") + name + "()");
        return Placeholder.Instance;
    }

    public override IXsltContextVariable ResolveVariable(string prefix, string name)
    {
        _unsupported.Add("$" + (prefix.Length > 0 ? prefix + ":" : "") + name);
        return Placeholder.Instance;
    }

    // Payload elements live in no namespace, and without a context a prefixed name fails at run time.
    public override string? LookupNamespace(string prefix)
    {
        if (prefix.Length == 0)
        {
            return base.LookupNamespace(prefix);
        }
        _unsupported.Add($"namespace prefix '{prefix}'");
        return "urn:nextra:unsupported";
    }

    public override bool Whitespace => false;

    public override bool PreserveWhitespace(XPathNavigator node) => false;

    public override int CompareDocument(string baseUri, string nextbaseUri) => 0;

    /// <summary>Stands in for whatever was named; never evaluated.</summary>
    private sealed class Placeholder : IXsltContextFunction, IXsltContextVariable
    {
        public static readonly Placeholder Instance = new();

        public int Minargs => 0;
        public int Maxargs => int.MaxValue;
        public XPathResultType ReturnType => XPathResultType.Any;
        public XPathResultType[] ArgTypes => [];
        public bool IsLocal => false;
        public bool IsParam => false;
        public XPathResultType VariableType => XPathResultType.Any;

        public object Invoke(XsltContext xsltContext, object[] args, XPathNavigator docContext) => throw new NotSupportedException();

        public object Evaluate(XsltContext xsltContext) => throw new NotSupportedException();
    }
}
