using System.Globalization;
using System.Text;

namespace GpuQos.Enforcer.Workload;

/// <summary>
/// Parses the Prometheus text exposition format (version 0.0.4, and the OpenMetrics text that differs from it
/// only by <c># EOF</c>, exemplars and <c>_created</c> series) into samples. No package on the feed parses it,
/// and the daemon needs only the sample lines: comments and metadata are skipped.
/// </summary>
/// <remarks>
/// A line that cannot be parsed fails the whole read with its line number: a half-read histogram would give a
/// wrong quantile, and an unreadable source leaves the objective unknown, which is what it is.
/// </remarks>
public static class ExpositionParser
{
    /// <summary>Parses <paramref name="text"/>, keeping only samples whose name <paramref name="keep"/> accepts.</summary>
    /// <exception cref="FormatException">A sample line is malformed; the message names the line.</exception>
    public static IReadOnlyList<ExposedSample> Parse(string text, Func<string, bool>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<ExposedSample>();
        var number = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            number++;
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var nameEnd = NameEnd(line);
            if (nameEnd == 0)
            {
                throw new FormatException($"line {number}: a sample must start with a metric name");
            }

            var name = line[..nameEnd].ToString();
            if (keep is not null && !keep(name))
            {
                continue;
            }

            var rest = line[nameEnd..];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!rest.IsEmpty && rest[0] == '{')
            {
                var consumed = ParseLabels(rest, labels, number);
                rest = rest[consumed..];
            }

            rest = rest.TrimStart();

            // What follows the value: an optional timestamp, then an OpenMetrics exemplar after '#'.
            var valueEnd = rest.IndexOfAny(' ', '\t');
            var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
            if (valueText.IsEmpty)
            {
                throw new FormatException($"line {number}: sample {name} has no value");
            }

            if (!TryParseValue(valueText, out var value))
            {
                throw new FormatException($"line {number}: sample {name} has value '{valueText.ToString()}', which is not a number");
            }

            samples.Add(new ExposedSample(name, labels, value));
        }

        return samples;
    }

    /// <summary>Parses a sample value or an <c>le</c> bound: a float, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>.</summary>
    public static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf" or "+inf" or "inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf" or "-inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN" or "nan":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }
    }

    private static int NameEnd(ReadOnlySpan<char> line)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetter(line[i]) || line[i] is '_' or ':' || (i > 0 && char.IsAsciiDigit(line[i]))))
        {
            i++;
        }

        return i;
    }

    // Reads {a="x",b="y"} from the start of text into labels; returns the characters consumed.
    private static int ParseLabels(ReadOnlySpan<char> text, Dictionary<string, string> labels, int number)
    {
        var i = 1;
        var value = new StringBuilder();
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            if (i >= text.Length)
            {
                throw new FormatException($"line {number}: the label set is not closed with '}}'");
            }

            if (text[i] == '}')
            {
                return i + 1;
            }

            var nameStart = i;
            var nameEnd = nameStart + NameEnd(text[nameStart..]);
            if (nameEnd == nameStart)
            {
                throw new FormatException($"line {number}: expected a label name at column {i + 1}");
            }

            var labelName = text[nameStart..nameEnd].ToString();
            i = nameEnd;
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            if (i + 1 >= text.Length || text[i] != '=' || text[i + 1] != '"')
            {
                throw new FormatException($"line {number}: label {labelName} must be followed by =\"value\"");
            }

            i += 2;
            value.Clear();
            while (true)
            {
                if (i >= text.Length)
                {
                    throw new FormatException($"line {number}: the value of label {labelName} is not closed with '\"'");
                }

                var c = text[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\' && i < text.Length)
                {
                    var e = text[i++];
                    value.Append(e switch
                    {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        _ => throw new FormatException($"line {number}: label {labelName} has an unknown escape '\\{e}'"),
                    });
                    continue;
                }

                value.Append(c);
            }

            labels[labelName] = value.ToString();
        }
    }
}
