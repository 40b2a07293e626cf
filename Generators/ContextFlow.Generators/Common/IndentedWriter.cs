using System;
using System.Text;

namespace ContextFlow.Generators.Common;

/// <summary>Builds generated source line by line with four-space indentation and "\n" line ends on every OS.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4).Append(line);
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> (if any) and an opening brace, and indents what follows.</summary>
    public IndentedWriter Open(string? header = null)
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        _depth++;
        return this;
    }

    /// <summary>Unindents and writes a closing brace, followed by <paramref name="suffix"/> (e.g. <c>";"</c>).</summary>
    public IndentedWriter Close(string suffix = "")
    {
        Unindent();
        return Line("}" + suffix);
    }

    public IndentedWriter Indent()
    {
        _depth++;
        return this;
    }

    public IndentedWriter Unindent()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("More blocks closed than opened.");
        }

        _depth--;
        return this;
    }

    /// <summary>Writes an XML doc comment, one <c>///</c> line per line of <paramref name="xml"/>.</summary>
    public IndentedWriter Doc(string xml)
    {
        foreach (var line in xml.Split('\n'))
        {
            Line("/// " + line);
        }

        return this;
    }

    public override string ToString() => _text.ToString();
}
