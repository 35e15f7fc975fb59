using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// Acts on processes: duty cycles and scheduling priority. The OS implementation signals real processes; the
/// simulated one tells the simulated host, which models the same effect.
/// </summary>
public interface IProcessActuator : IDisposable
{
    /// <summary><c>os</c> or <c>sim</c>; journaled, so a restart knows how to undo.</summary>
    string Kind { get; }

    /// <summary>
    /// The process as the snapshot saw it (its PID and the start time the snapshot carries), or null when it
    /// may not be acted on: it is gone, its PID now names another process, the snapshot does not say which
    /// process it was, or it is excluded (PID 1, the daemon's own processes, kernel threads, the MPS server).
    /// </summary>
    ProcessKey? Identify(ProcessSnapshot process);

    /// <summary>Lets the process run at most <paramref name="duty"/> of the time; 1 releases it. No-op when the key no longer matches.</summary>
    void SetDutyCycle(ProcessKey process, double duty);

    /// <summary>The process's nice value, or null when it is gone.</summary>
    int? GetNice(ProcessKey process);

    /// <summary>Sets the nice value. No-op when the key no longer matches.</summary>
    void SetNice(ProcessKey process, int nice);

    /// <summary>
    /// Asks the process to end (SIGTERM, then SIGCONT so a stopped process can act on it) or, with
    /// <paramref name="force"/>, ends it (SIGKILL). False when the key no longer matches (gone, or the PID reused).
    /// Only real processes can be ended; other actuators say so.
    /// </summary>
    bool Terminate(ProcessKey process, bool force) => throw new NotSupportedException($"the {Kind} process actuator cannot end processes");
}
