using System.Text.Json.Serialization;
using GpuQos.IsolationProbes.Audit;
using GpuQos.Model.Json;

namespace GpuQos.IsolationProbes.Reports;

/// <summary>The source-generated serializer of <c>report.json</c>, on <see cref="ReportJson.Options"/>'s settings.</summary>
[JsonSerializable(typeof(AuditReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext
{
    /// <summary>The context bound to the indented document settings, writing nulls (the schema lists every field).</summary>
    public static ReportJsonContext Report { get; } = Create();

    private static ReportJsonContext Create()
    {
        var options = GpuQosJson.CreateOptions(indented: true);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return new ReportJsonContext(options);
    }
}
