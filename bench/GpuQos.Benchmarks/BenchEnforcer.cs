using GpuQos.Model.Backends;
using GpuQos.Daemon.Hosting;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Engine;
using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Logging;

namespace GpuQos.Benchmarks;

/// <summary>An enforcer with the journal and actuators the daemon gives it, or with the process actuator a benchmark names.</summary>
internal static class BenchEnforcer
{
    public static SlaEnforcer Create(
        EnforcementOptions options,
        IReadOnlyList<PolicyOptions> policies,
        IEnumerable<IActionFactory> factories,
        IGpuBackend backend,
        TimeProvider time,
        ILogger<SlaEnforcer> logger,
        IProcessActuator? processes = null)
    {
        var actuators = processes is null
            ? EnforcementBackend.Actuators(backend, options, time)
            : new EnforcementActuators(processes, [], new CgroupFreezer(options.CgroupRoot), _ => null);
        return new SlaEnforcer(options, policies, factories, backend, actuators, EnforcementBackend.Journal(backend, options), time, logger);
    }
}
