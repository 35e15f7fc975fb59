namespace GpuQos.Model.Procfs;

/// <summary>What <see cref="PidNamespaceCheck"/> found, and the evidence, in words.</summary>
/// <param name="State">The verdict.</param>
/// <param name="Detail">What was read that led to it.</param>
public sealed record PidNamespaceResult(PidNamespaceState State, string Detail)
{
    /// <summary>Why process actions must not run, or null when they may.</summary>
    public string? Refusal => State == PidNamespaceState.Foreign
        ? $"NVML reports PIDs of the host's PID namespace, and this daemon is not in it ({Detail}); a signal would reach another process (run with the host's PID namespace, e.g. hostPID: true)"
        : null;
}
