using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Benchmarks;

/// <summary>
/// The real-signal actuator for the benchmarks' burners. They are this process's children, and the daemon's
/// own tree is excluded from enforcement; here the benchmark plays the daemon, so that exclusion is left out.
/// </summary>
internal static class ChildActuator
{
    public static OsProcessActuator Create() =>
        new(new EnforcementOptions().ThrottlePeriod, TimeProvider.System, exclusions: new ProcessExclusions(daemon: null));
}
