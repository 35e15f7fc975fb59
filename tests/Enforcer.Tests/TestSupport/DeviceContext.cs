using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Backends;
using GpuQos.Model.Snapshots;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>An action context on the simulated host for calling one action's refusal, apply and undo directly.</summary>
internal static class DeviceContext
{
    public static ActionContext For(SimHost host, HostSnapshot latest, IGpuControl control, int gpu, PolicyOptions? policy = null, IMpsControl? mps = null) => new()
    {
        Policy = policy ?? new PolicyOptions { Name = "device-test", Tenant = "search" },
        Tenant = policy?.Tenant ?? "search",
        Gpu = gpu,
        Latest = latest,
        Results = [],
        Options = host.Options,
        Control = control,
        Mps = mps,
        Processes = new SimulatedProcessActuator(host.Backend),
        Freezer = new CgroupFreezer(host.Directory.FullName),
        Time = host.Time,
    };
}
