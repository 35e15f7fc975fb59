using System.Text.Json;
using GpuQos.Model.Json;

namespace GpuQos.Daemon.Http;

/// <summary>JSON settings shared by the API and the CLI that reads it: <see cref="GpuQosJson.Documents"/>.</summary>
public static class JsonDefaults
{
    /// <summary>The indented document settings, defined once in <see cref="GpuQosJson"/>.</summary>
    public static JsonSerializerOptions Options => GpuQosJson.Documents;
}
