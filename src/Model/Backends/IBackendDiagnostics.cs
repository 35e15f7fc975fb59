namespace GpuQos.Model.Backends;

/// <summary>
/// What a backend can say about itself for <c>gpuqos doctor</c>: versions, capabilities, and the result of every
/// call it made. Read once, off the collection path. A backend without it (the simulated host) is reported as
/// simulated.
/// </summary>
public interface IBackendDiagnostics
{
    /// <summary>Driver, NVML and CUDA driver versions.</summary>
    BackendVersions Versions();

    /// <summary>The CUDA compute capability, e.g. <c>9.0</c>.</summary>
    DiagnosticValue ComputeCapability(int gpu);

    /// <summary>The range the power limit may be set in, e.g. <c>100-400 W</c>.</summary>
    DiagnosticValue PowerLimitConstraints(int gpu);

    /// <summary>What the vGPU scheduler accepts: policies, time-slice range, adaptive round robin.</summary>
    DiagnosticValue VgpuSchedulerCapabilities(int gpu);

    /// <summary>The last result of every backend call made on the GPU so far, by function, in name order.</summary>
    IReadOnlyList<CallResult> CallResults(int gpu);
}

/// <summary>Driver, NVML and CUDA driver versions as the driver reports them.</summary>
public sealed record BackendVersions(DiagnosticValue Driver, DiagnosticValue Library, DiagnosticValue CudaDriver);

/// <summary>A value read for diagnosis, or why it could not be.</summary>
/// <param name="Value">The value; null when the call failed.</param>
/// <param name="Result"><c>SUCCESS</c>, or the error code's name (<c>NOT_SUPPORTED</c>, <c>NO_PERMISSION</c>…).</param>
public sealed record DiagnosticValue(string? Value, string Result)
{
    /// <summary>The call succeeded.</summary>
    public bool Ok => Value is not null;
}

/// <summary>One backend function and the code it last returned.</summary>
public sealed record CallResult(string Function, string Result);
