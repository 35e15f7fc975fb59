using System.Text.Json.Serialization;
using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Evidence;
using GpuQos.Daemon.Doctor;
using GpuQos.Model.Json;

namespace GpuQos.Daemon.Http.Api;

/// <summary>
/// Source-generated serializers for the <c>/api/v1</c> records and the CLI's <c>--json</c> documents (advice, the
/// fleet summary, the doctor's report), on the settings of <see cref="GpuQosJson.Documents"/>. The daemon writes
/// through <see cref="Api"/>, and <c>gpuqos status</c> and <c>advise --url</c> read through it.
/// </summary>
[JsonSerializable(typeof(StateDocument))]
[JsonSerializable(typeof(IReadOnlyList<ActionEntry>))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(EnforcementPause))]
[JsonSerializable(typeof(RevertResult))]
[JsonSerializable(typeof(AuditStart))]
[JsonSerializable(typeof(AdvisorEvidence))]
[JsonSerializable(typeof(HostAdvice))]
[JsonSerializable(typeof(FleetAdvice))]
[JsonSerializable(typeof(DoctorReport))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>The context bound to a copy of the shared document settings (a context binds the options it is given).</summary>
    public static ApiJsonContext Api { get; } = new(GpuQosJson.CreateOptions(indented: true));
}
