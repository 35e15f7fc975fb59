using System.Text.Json;
using System.Text.Json.Serialization;
using GpuQos.IsolationProbes.Audit;

namespace GpuQos.IsolationProbes.Reports;

/// <summary>Serializes <c>report.json</c> (schema <see cref="AuditReport.Schema"/>).</summary>
public static class ReportJson
{
    /// <summary>camelCase, indented, enums as strings, NaN written as null-free named literals avoided.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The report as JSON text.</summary>
    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>The report's file name.</summary>
    public const string FileName = "report.json";
}
