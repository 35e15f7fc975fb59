using System.Runtime.InteropServices;

namespace GpuQos.Backends.Nvml.Interop;

/// <summary><c>nvmlTemperature_v1_t</c> (12 B), for <c>nvmlDeviceGetTemperatureV</c> (NVML 13 deprecates the unversioned call).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlTemperatureV1
{
    /// <summary><c>nvmlTemperature_v1</c>.</summary>
    public const uint Version1 = 12 | (1u << 24);

    public uint Version;

    /// <summary><c>NVML_TEMPERATURE_GPU</c> = 0.</summary>
    public int SensorType;
    public int Temperature;
}
