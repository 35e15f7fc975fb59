namespace GpuQos.IsolationProbes.Worker;

/// <summary>The operations a probe worker understands.</summary>
public static class WorkerOps
{
    /// <summary>Describe the worker (accelerator, cores, cache, memory budget).</summary>
    public const string Hello = "hello";

    /// <summary>Run a victim kernel: warm-up, then timed repetitions.</summary>
    public const string Measure = "measure";

    /// <summary>Start an aggressor kernel in a loop until <see cref="Stop"/>.</summary>
    public const string Aggress = "aggress";

    /// <summary>Stop the aggressor; replies with the iterations it ran.</summary>
    public const string Stop = "stop";

    /// <summary>Allocate in steps until allocation fails; replies with the bytes held at that point.</summary>
    public const string Capacity = "capacity";

    /// <summary>Write a canary into memory, then free it.</summary>
    public const string CanaryWrite = "canary-write";

    /// <summary>Allocate memory, leave it uninitialised, and count canary words in it.</summary>
    public const string CanaryScan = "canary-scan";

    /// <summary>Fill memory with a pattern and checksum it repeatedly; replies with the mismatches seen.</summary>
    public const string Integrity = "integrity";

    /// <summary>Covert-channel sender: contend during 1-slots, idle during 0-slots.</summary>
    public const string CovertSend = "covert-send";

    /// <summary>Covert-channel receiver: count victim kernels completed per slot.</summary>
    public const string CovertReceive = "covert-receive";

    /// <summary>Exit cleanly.</summary>
    public const string Exit = "exit";

    /// <summary>Every operation, for the error message on an unknown one.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Hello, Measure, Aggress, Stop, Capacity, CanaryWrite, CanaryScan, Integrity, CovertSend, CovertReceive, Exit];

    /// <summary>Kernels <see cref="Measure"/> accepts.</summary>
    public static IReadOnlyList<string> VictimKernels { get; } = ["fma", "triad", "chase"];

    /// <summary>Kernels <see cref="Aggress"/> accepts.</summary>
    public static IReadOnlyList<string> AggressorKernels { get; } = ["fma", "triad", "thrash", "storm"];
}
