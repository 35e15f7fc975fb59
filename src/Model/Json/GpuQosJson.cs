using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuQos.Model.Json;

/// <summary>
/// The one definition of how GpuQos writes JSON: web (camelCase) names, enums as kebab-case strings, nulls left
/// out, NaN and infinities as named literals rather than an exception. The HTTP API, <c>gpuqos status</c> and
/// <c>advise</c>, the audit report, the probe-worker protocol and the action journal all start from it, so a
/// field reads the same in every file and on every wire.
/// </summary>
public static class GpuQosJson
{
    /// <summary>Indented, for documents a person may read: the HTTP API, <c>--json</c> output, <c>report.json</c>. Read-only.</summary>
    public static JsonSerializerOptions Documents { get; } = ReadOnly(CreateOptions(indented: true));

    /// <summary>One value per line, for line-delimited streams: the action journal and the probe-worker protocol. Read-only.</summary>
    public static JsonSerializerOptions Lines { get; } = ReadOnly(CreateOptions(indented: false));

    /// <summary>
    /// A new, writable copy of the settings, for a user that must add to them: a source-generated context (which
    /// binds the options it is given), or a reader that is stricter about unknown members.
    /// </summary>
    public static JsonSerializerOptions CreateOptions(bool indented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    // The shared instances are frozen so that no caller can change how everyone else writes.
    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
