using System.Text.Json.Serialization;
using GpuQos.Model.Json;

namespace GpuQos.Daemon.Http.Api;

/// <summary>
/// Source-generated serializers for the <c>/api/v1</c> records, on the settings of <see cref="GpuQosJson.Documents"/>.
/// The daemon writes through <see cref="Api"/>, and <c>gpuqos status</c> reads through it.
/// </summary>
[JsonSerializable(typeof(StateDocument))]
[JsonSerializable(typeof(IReadOnlyList<ActionEntry>))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(EnforcementPause))]
[JsonSerializable(typeof(RevertResult))]
[JsonSerializable(typeof(AuditStart))]
public sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>The context bound to a copy of the shared document settings (a context binds the options it is given).</summary>
    public static ApiJsonContext Api { get; } = new(GpuQosJson.CreateOptions(indented: true));
}
