using System.Text.Json;
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
    public static JsonSerializerOptions Options => ReportJsonContext.Report.Options;

    /// <summary>
    /// The report as JSON text, through the source-generated <see cref="ReportJsonContext"/>: the report is written by
    /// the ahead-of-time compiled gpuqos, where reflection-based JSON is off.
    /// </summary>
    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Report.AuditReport);

    /// <summary>The report's file name.</summary>
    public const string FileName = "report.json";
}
