using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuQos.Daemon.Reports;

/// <summary>
/// The source-generated serializer of <c>report usage --format json</c>. Its settings are the report's own (camelCase,
/// indented, nulls written), not the API's: the report's format predates the shared settings and is read by scripts.
/// </summary>
[JsonSerializable(typeof(UsageReport))]
internal sealed partial class UsageReportJsonContext : JsonSerializerContext
{
    /// <summary>The context bound to the report's settings.</summary>
    public static UsageReportJsonContext Report { get; } = new(CreateOptions());

    // The non-generic enum converter finds the compiled JsonStringEnumConverter<TEnum> of every enum the generated
    // metadata names, as GpuQosJson.CreateOptions explains.
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Enum converters of source-generated contexts are compiled.")]
    private static JsonSerializerOptions CreateOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
