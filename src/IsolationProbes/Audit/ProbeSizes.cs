namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// Problem sizes per accelerator. The CPU sizes keep a full audit to seconds per pair on a small CI machine;
/// the CUDA sizes fill an SM array and exceed the largest L2 (H100/H200: 50 MiB) several times over.
/// </summary>
/// <param name="FmaElements">Elements of the FMA chain (one thread each), per core on the CPU: one ILGPU group
/// per core keeps the CPU accelerator's barriers out of the timing.</param>
/// <param name="FmaIterations">Dependent FMAs per element.</param>
/// <param name="TriadElements">Floats per triad array.</param>
/// <param name="ChaseSteps">Dependent loads per pointer chase.</param>
/// <param name="ThrashSweeps">Sweeps of the thrasher per launch.</param>
/// <param name="RemanenceBytes">Bytes the remanence probe writes and scans.</param>
/// <param name="IntegrityBytes">Bytes the integrity probe checks.</param>
/// <param name="CapacityStepBytes">Step of the capacity probe.</param>
/// <param name="CovertBits">Bits sent over the covert channel.</param>
/// <param name="CovertSlot">Length of one covert-channel slot.</param>
/// <param name="CovertElements">Elements of the covert-channel receiver's small FMA kernel.</param>
/// <param name="CovertIterations">Its iterations per element.</param>
public sealed record ProbeSizes(
    int FmaElements,
    int FmaIterations,
    int TriadElements,
    int ChaseSteps,
    int ThrashSweeps,
    long RemanenceBytes,
    long IntegrityBytes,
    long CapacityStepBytes,
    int CovertBits,
    TimeSpan CovertSlot,
    int CovertElements,
    int CovertIterations)
{
    /// <summary>Small sizes for ILGPU's CPU accelerator.</summary>
    public static ProbeSizes Cpu { get; } = new(
        FmaElements: 2, FmaIterations: 500_000, TriadElements: 1 << 20, ChaseSteps: 30_000, ThrashSweeps: 2,
        RemanenceBytes: 64 << 10, IntegrityBytes: 4 << 20, CapacityStepBytes: 16 << 20,
        CovertBits: 64, CovertSlot: TimeSpan.FromMilliseconds(20), CovertElements: 8, CovertIterations: 2_000);

    /// <summary>GPU sizes.</summary>
    public static ProbeSizes Cuda { get; } = new(
        FmaElements: 1 << 20, FmaIterations: 4_096, TriadElements: 1 << 26, ChaseSteps: 200_000, ThrashSweeps: 8,
        RemanenceBytes: 256L << 20, IntegrityBytes: 256L << 20, CapacityStepBytes: 256L << 20,
        CovertBits: 128, CovertSlot: TimeSpan.FromMilliseconds(5), CovertElements: 1 << 14, CovertIterations: 1_000);
}
