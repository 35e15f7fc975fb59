namespace GpuQos.Model.Backends;

/// <summary>
/// A backend call that failed. Names the backend function and its code, so that
/// <c>gpuqos_nvml_errors_total{function,code}</c> can count it and logs can say exactly what failed.
/// </summary>
public class GpuBackendException : Exception
{
    public GpuBackendException(string function, string code, int? gpu, string message)
        : base(message)
    {
        Function = function;
        Code = code;
        Gpu = gpu;
    }

    public GpuBackendException()
        : this("unknown", "UNKNOWN", null, "backend call failed")
    {
    }

    public GpuBackendException(string message)
        : this("unknown", "UNKNOWN", null, message)
    {
    }

    public GpuBackendException(string message, Exception innerException)
        : base(message, innerException)
    {
        Function = "unknown";
        Code = "UNKNOWN";
    }

    /// <summary>The backend function that failed, e.g. <c>nvmlDeviceGetPowerUsage</c>.</summary>
    public string Function { get; }

    /// <summary>The error code's name, e.g. <c>GPU_IS_LOST</c>.</summary>
    public string Code { get; }

    /// <summary>The GPU index the call was for, if any.</summary>
    public int? Gpu { get; }

    /// <summary>True when the GPU has fallen off the bus; the GPU is marked lost and no longer read.</summary>
    public bool GpuLost => Code == "GPU_IS_LOST";
}

/// <summary>The backend could not be started at all (library missing, no GPU, driver not loaded).</summary>
public sealed class BackendUnavailableException : Exception
{
    public BackendUnavailableException(string message)
        : base(message)
    {
    }

    public BackendUnavailableException()
    {
    }

    public BackendUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
