using System;
using System.Globalization;
using System.IO;
using Serilog.Events;

namespace ContextFlow.AspNetCore;

/// <summary>
/// A duration in milliseconds as the access line writes it (<c>{ElapsedMs:F1}</c>): one decimal, the same in every
/// culture (a sink's format provider would otherwise turn <c>0.5ms</c> into <c>0,5ms</c>), formatted straight into the
/// output. Structured sinks (JSON) read <see cref="ScalarValue.Value"/>, the full double, as for any scalar.
/// </summary>
internal sealed class MillisecondsValue(double milliseconds) : ScalarValue(milliseconds)
{
    public override void Render(TextWriter output, string? format = null, IFormatProvider? formatProvider = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        Span<char> text = stackalloc char[32];
        if (format is "F1" && milliseconds.TryFormat(text, out var length, "F1", CultureInfo.InvariantCulture))
        {
            output.Write(text[..length]);
            return;
        }

        base.Render(output, format, formatProvider);
    }
}
