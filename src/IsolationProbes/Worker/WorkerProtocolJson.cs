using System.Text.Json.Serialization;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.Model.Json;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// Source-generated serializers for every message of the worker protocol, used by both ends: by
/// <c>gpuqos-probe</c> under the JIT and by the coordinator in <c>gpuqos</c>, which is published ahead of time and
/// cannot serialize through reflection. The settings are <see cref="GpuQosJson.Lines"/>'s, and a member the
/// protocol does not define is an error, so a typo in a request is refused rather than ignored.
/// </summary>
[JsonSerializable(typeof(WorkerRequest))]
[JsonSerializable(typeof(WorkerResponse))]
[JsonSerializable(typeof(ProbeReadiness))]
public sealed partial class WorkerProtocolJson : JsonSerializerContext
{
    /// <summary>The context on the line settings, strict about unknown members (a context binds the options it is given).</summary>
    public static WorkerProtocolJson Protocol { get; } = Create();

    private static WorkerProtocolJson Create()
    {
        var options = GpuQosJson.CreateOptions(indented: false);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        return new WorkerProtocolJson(options);
    }
}
