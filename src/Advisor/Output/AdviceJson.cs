using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuQos.Advisor.Output;

/// <summary>JSON settings for evidence and advice, shared by the daemon's endpoints and <c>gpuqos advise --json</c>.</summary>
public static class AdviceJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
