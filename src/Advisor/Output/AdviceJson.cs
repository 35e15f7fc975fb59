using System.Text.Json;
using GpuQos.Model.Json;

namespace GpuQos.Advisor.Output;

/// <summary>JSON settings for evidence and advice, shared by the daemon's endpoints and <c>gpuqos advise --json</c>.</summary>
public static class AdviceJson
{
    /// <summary>The indented document settings, defined once in <see cref="GpuQosJson"/>.</summary>
    public static JsonSerializerOptions Options => GpuQosJson.Documents;
}
