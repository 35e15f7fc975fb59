using GpuQos.Enforcer.Workload;
using GpuQos.Model.Procfs;
using GpuQos.Model.Backends;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Logging;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// Builds an enforcer with the journal and actuators the daemon gives it for this backend (its
/// <c>EnforcementBackend</c>), or with the process actuator a test names.
/// </summary>
internal static class TestEnforcer
{
    public static SlaEnforcer Create(
        EnforcementOptions options,
        IReadOnlyList<PolicyOptions> policies,
        IEnumerable<IActionFactory> factories,
        IGpuBackend backend,
        TimeProvider time,
        ILogger<SlaEnforcer> logger,
        IProcessActuator? processes = null,
        JournalTrust? trust = null,
        PidNamespaceCheck? pidNamespace = null,
        WorkloadReadings? workload = null)
    {
        var sim = backend as ISimulatedProcessControl;
        var undo = new List<IProcessActuator>();
        if (sim is not null && processes?.Kind != "sim")
        {
            undo.Add(new SimulatedProcessActuator(sim));
        }

        if (processes?.Kind != "os")
        {
            undo.Add(new OsProcessActuator(options.ThrottlePeriod, time, exclusions: ProcessExclusions.ForDaemon(options.ActOnMpsServer)));
        }

        var acting = processes ?? (sim is not null ? undo[0] : undo[^1]);
        var actuators = new EnforcementActuators(acting, undo, new CgroupFreezer(options.CgroupRoot), o =>
            sim is not null ? null : new MpsControl(o.Mps.ControlBinary, o.Mps.PipeDirectory, o.Mps.Timeout));
        var journal = EnforcementJournal.Open(options, ephemeral: sim is not null);
        return new SlaEnforcer(options, policies, factories, backend, actuators, journal, time, logger, trust, pidNamespace, workload);
    }
}
