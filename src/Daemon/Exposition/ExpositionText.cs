using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GpuQos.Model.Metrics;
using Prometheus;

namespace GpuQos.Daemon.Exposition;

/// <summary>
/// The Prometheus text format (0.0.4) and OpenMetrics 1.0, encoded as UTF-8: a family's <c># HELP</c> and
/// <c># TYPE</c> lines, a series' name and labels, and a sample value. The header and the name with its labels are
/// encoded once, when the family or series appears, so a render copies bytes and formats only the values.
/// </summary>
/// <remarks>
/// The output is what prometheus-net 8 writes for the same gauges and counters (the exposition used it until
/// 2026-12-07; <c>OwnedExpositionEquivalenceTests</c> compares the two), with one difference: prometheus-net
/// writes a HELP text as given, so a newline in it would end the line early, while this escapes it as both
/// formats require.
/// </remarks>
internal static class ExpositionText
{
    /// <summary>The longest value <see cref="TryWriteValue"/> writes: "-1.7976931348623157e+308" and ".0" fit.</summary>
    public const int MaxValueLength = 32;

    /// <summary>Throws unless the metric's name and label names are valid in both formats (and not reserved).</summary>
    public static void CheckNames(MetricDefinition metric)
    {
        if (!IsName(metric.Name, colons: true))
        {
            throw new ArgumentException($"metric name '{metric.Name}' is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(metric));
        }

        foreach (var label in metric.Labels)
        {
            if (!IsName(label, colons: false) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{metric.Name}: label name '{label}' is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, no leading __)", nameof(metric));
            }
        }
    }

    /// <summary>The family's <c># HELP</c> and <c># TYPE</c> lines in <paramref name="format"/>.</summary>
    public static byte[] Header(MetricDefinition metric, ExpositionFormat format)
    {
        var openMetrics = format == ExpositionFormat.OpenMetricsText;

        // OpenMetrics names a counter family without its _total, which only its samples carry.
        var family = openMetrics && metric.Type == MetricType.Counter && metric.Name.EndsWith("_total", StringComparison.Ordinal)
            ? metric.Name[..^"_total".Length]
            : metric.Name;
        // An OpenMetrics counter's samples end in _total; one named otherwise (the dcgm-exporter names) is
        // declared unknown there, as prometheus-net declared it, and keeps its name.
        var type = metric.Type switch
        {
            MetricType.Counter when openMetrics && family == metric.Name => "unknown",
            MetricType.Counter => "counter",
            _ => "gauge",
        };
        var text = new StringBuilder()
            .Append("# HELP ").Append(family).Append(' ').Append(EscapeHelp(metric.Help, openMetrics)).Append('\n')
            .Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// A sample line up to its value: the name, the labels in braces when there are any, and the separating space,
    /// e.g. <c>gpuqos_gpu_utilization_ratio{gpu="0",uuid="GPU-…"} </c>. The same in both formats.
    /// </summary>
    public static byte[] SeriesPrefix(string name, IReadOnlyList<string> labelNames, ReadOnlySpan<string> labelValues)
    {
        var text = new StringBuilder(name.Length + 16 * labelValues.Length);
        text.Append(name);
        if (labelValues.Length > 0)
        {
            text.Append('{');
            for (var i = 0; i < labelValues.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                text.Append(labelNames[i]).Append("=\"");
                AppendLabelValue(text, labelValues[i]);
                text.Append('"');
            }

            text.Append('}');
        }

        text.Append(' ');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Writes a finite <paramref name="value"/> as its shortest round-trip decimal form ("0.30000000000000004",
    /// "1e+21"); OpenMetrics marks an integral value as a float ("5.0"). Returns false when it does not fit.
    /// </summary>
    public static bool TryWriteValue(double value, ExpositionFormat format, Span<byte> destination, out int written)
    {
        // Whole numbers are most of what the daemon exposes (states, counts, bytes), and the integer formatter is
        // several times faster than the double one. Below 2^53 every double that is whole is exactly a long, and
        // both formatters then write the same digits.
        // -0 stays "-0" in the text format; OpenMetrics writes it as 0.0, as prometheus-net did.
        if (value == Math.Floor(value) && Math.Abs(value) < 9007199254740992d
            && !(value == 0 && double.IsNegative(value) && format != ExpositionFormat.OpenMetricsText))
        {
            if (!Utf8Formatter.TryFormat((long)value, destination, out written))
            {
                return false;
            }
        }
        else
        {
            if (!value.TryFormat(destination, out written, default, CultureInfo.InvariantCulture))
            {
                return false;
            }

            for (var i = 0; i < written; i++)
            {
                if (destination[i] == (byte)'E')
                {
                    destination[i] = (byte)'e';
                    break;
                }
            }
        }

        if (format == ExpositionFormat.OpenMetricsText && IsIntegral(destination[..written]))
        {
            if (destination.Length < written + 2)
            {
                return false;
            }

            destination[written++] = (byte)'.';
            destination[written++] = (byte)'0';
        }

        return true;
    }

    /// <summary>A label value as both formats quote it: backslash, double quote and newline escaped.</summary>
    public static string EscapeLabelValue(string value)
    {
        var text = new StringBuilder(value.Length + 4);
        AppendLabelValue(text, value);
        return text.ToString();
    }

    private static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    // The text format escapes backslash and newline in HELP; OpenMetrics escapes double quotes there too.
    private static string EscapeHelp(string help, bool openMetrics)
    {
        var text = new StringBuilder(help.Length + 4);
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\n' => text.Append(@"\n"),
                '"' when openMetrics => text.Append("\\\""),
                _ => text.Append(c),
            };
        }

        return text.ToString();
    }

    private static bool IsName(string name, bool colons)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (colons && c == ':')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIntegral(ReadOnlySpan<byte> number)
    {
        foreach (var b in number)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)'-'))
            {
                return false;
            }
        }

        return true;
    }
}
