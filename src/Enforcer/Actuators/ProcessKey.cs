namespace GpuQos.Enforcer.Actuators;

/// <summary>A process identified beyond its PID: the PID and its start time, so a reused PID is a different key.</summary>
/// <param name="Pid">Process ID.</param>
/// <param name="StartTime">Start time in clock ticks since boot (0 for simulated processes).</param>
public readonly record struct ProcessKey(int Pid, long StartTime);
