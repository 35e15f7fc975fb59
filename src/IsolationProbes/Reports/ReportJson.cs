using System.Text.Json;
using System.Text.Json.Serialization;
using GpuQos.Model.Json;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Reports;

/// <summary>Serializes <c>report.json</c> (schema <see cref="AuditReport.Schema"/>).</summary>
public static class ReportJson
{
    /// <summary>
    /// The indented document settings (<see cref="GpuQosJson"/>), except that nulls are written: the schema lists
    /// every field, and a reader tells "not measured" (null) from a field this version does not have.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The report as JSON text.</summary>
    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>The report's file name.</summary>
    public const string FileName = "report.json";

    private static JsonSerializerOptions Create()
    {
        var options = GpuQosJson.CreateOptions(indented: true);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
