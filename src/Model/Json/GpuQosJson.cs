using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
    // The enum converter is the non-generic factory, which makes JsonStringEnumConverter<TEnum> by MakeGenericType.
    // In the ahead-of-time compiled daemon every type is serialized through a source-generated context, and the
    // generated metadata of each enum property instantiates the enum converter of that enum
    // (JsonMetadataServices.GetEnumConverter<TEnum>), so the instantiation the factory asks for exists.
    // tests/Daemon.Tests/Aot reads kebab-case enums from the published binary's API and journal.
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Enum converters of source-generated contexts are compiled; see the comment.")]
    public static JsonSerializerOptions CreateOptions(bool indented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    // The shared instances are frozen so that no caller can change how everyone else writes.
    // Where reflection-based serialization is on (every build but the trimmed, ahead-of-time compiled gpuqos), the
    // shared instances serialize any type. In the published gpuqos it is off, and they serialize nothing: every
    // caller there passes a source-generated context's type information instead.
    // The switch is a constant false in the published binary (JsonSerializerIsReflectionEnabledByDefault), and the
    // compiler drops the reflection branch there.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only where reflection-based serialization is on.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only where reflection-based serialization is on.")]
    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            options.MakeReadOnly(populateMissingResolver: true);
        }
        else
        {
            options.TypeInfoResolver = JsonTypeInfoResolver.Combine();
            options.MakeReadOnly();
        }

        return options;
    }
}
