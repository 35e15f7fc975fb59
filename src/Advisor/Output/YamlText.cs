using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GpuQos.Advisor.Output;

/// <summary>
/// Writes ordered maps, lists and scalars as YAML, keys as given. It drives YamlDotNet's emitter with events instead
/// of its reflection serializer, which cannot run in the trimmed, ahead-of-time compiled gpuqos.
/// </summary>
internal static partial class YamlText
{
    public static string Write(object document, string header)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, document);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return string.Join('\n', header.Split('\n').Select(l => "# " + l)) + "\n" + text;
    }

    private static void Emit(IEmitter emitter, object? value)
    {
        switch (value)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case string s:
                // A string that a reader would take for a number, a boolean or null is quoted, so it stays a string.
                var style = LooksTyped(s) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
                emitter.Emit(new Scalar(null, null, s, style, isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case bool b:
                emitter.Emit(new Scalar(b ? "true" : "false"));
                break;
            case IFormattable number when value.GetType().IsPrimitive || value is decimal:
                emitter.Emit(new Scalar(number.ToString(null, CultureInfo.InvariantCulture)));
                break;
            case IDictionary map:
                emitter.Emit(new MappingStart());
                foreach (DictionaryEntry entry in map)
                {
                    Emit(emitter, Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                    Emit(emitter, entry.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case IEnumerable list:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Any));
                foreach (var item in list)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            default:
                Emit(emitter, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static bool LooksTyped(string s) => s.Length == 0 || TypedScalar().IsMatch(s);

    // YAML 1.1/1.2 core-schema booleans, nulls and numbers.
    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|0x[0-9a-fA-F]+|0o[0-7]+)$")]
    private static partial Regex TypedScalar();
}
