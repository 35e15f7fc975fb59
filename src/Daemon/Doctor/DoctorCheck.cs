namespace GpuQos.Daemon.Doctor;

/// <summary>One thing <c>gpuqos doctor</c> checked.</summary>
/// <param name="Gpu">The GPU index, or null for a check of the host.</param>
/// <param name="Feature">What was checked, as <c>gpuqos_capability{feature}</c> names it: an NVML function, an action type, <c>pid-namespace</c>….</param>
/// <param name="Status">How it came out.</param>
/// <param name="Result">The short result: <c>ok</c>, an NVML code such as <c>NO_PERMISSION</c>, <c>missing</c>….</param>
/// <param name="Required">The configuration asks for it: a failure makes <c>doctor</c> exit 1.</param>
/// <param name="Detail">What was read, or why it does not work.</param>
public sealed record DoctorCheck(int? Gpu, string Feature, DoctorStatus Status, string Result, bool Required, string Detail)
{
    /// <summary>Something the configuration asks for that cannot work.</summary>
    public bool Blocking => Required && Status == DoctorStatus.Failed;

    /// <summary>Where the check applies: <c>GPU 0</c> or <c>host</c>.</summary>
    public string Where => Gpu is { } g ? $"GPU {g}" : "host";
}
