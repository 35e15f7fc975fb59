using GpuQos.Model.Backends;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// What the backend gives the enforcer to act through: the one place that knows whether the host is simulated.
/// On the simulated host, processes are the simulator's, its journal is its own (nothing to replay), and there
/// is no MPS control daemon; on a real host, real signals and the configured MPS control daemon.
/// </summary>
public static class EnforcementBackend
{
    /// <summary>The actuators for <paramref name="backend"/>.</summary>
    public static EnforcementActuators Actuators(IGpuBackend backend, EnforcementOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Always present: a journal left by a run on real processes is undone with real signals.
        var os = new OsProcessActuator(options.ThrottlePeriod, time, exclusions: ProcessExclusions.ForDaemon(options.ActOnMpsServer));
        var freezer = new CgroupFreezer(options.CgroupRoot);
        return backend is ISimulatedProcessControl sim
            ? new EnforcementActuators(new SimulatedProcessActuator(sim), [os], freezer, _ => null)
            : new EnforcementActuators(os, [], freezer, o => new MpsControl(o.Mps.ControlBinary, o.Mps.PipeDirectory, o.Mps.Timeout));
    }

    /// <summary>The journal for <paramref name="backend"/>: on the simulated host with none configured, this run's own.</summary>
    public static EnforcementJournal Journal(IGpuBackend backend, EnforcementOptions options) =>
        EnforcementJournal.Open(options, ephemeral: backend is ISimulatedProcessControl);
}
