using System.Globalization;
using GpuQos.Enforcer.Policies;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Doctor;

/// <summary>
/// The controls the configured policies could use on one GPU, checked without changing anything: the privilege
/// each needs, and the current value read back.
/// </summary>
internal static class ControlChecks
{
    /// <summary>Checks each wanted GPU control; <paramref name="wanted"/> maps action types to whether a policy in enforce mode uses them here.</summary>
    public static IEnumerable<DoctorCheck> ForGpu(IGpuBackend backend, int gpu, IReadOnlyDictionary<string, bool> wanted, HostPrivileges privileges, DeviceReading? device, bool simulated, MpsOptions mps)
    {
        foreach (var (action, required) in wanted.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var check = action switch
            {
                KnownPolicyTypes.Actions.LockClocks => Nvml(gpu, action, required, privileges, simulated, () => device?.SmClockMaxHz is { } max
                    ? $"SM clock {Mhz(device.SmClockHz)} of {Mhz(max)} max" + (device.LockedClockHz is { } l ? $", locked to {Mhz(l.MinHz)}-{Mhz(l.MaxHz)}" : ", not locked")
                    : throw new GpuBackendException("nvmlDeviceGetMaxClockInfo", "NOT_SUPPORTED", gpu, "no maximum SM clock to lock to")),
                KnownPolicyTypes.Actions.PowerLimit => Nvml(gpu, action, required, privileges, simulated, () =>
                {
                    var limit = backend.Control.GetPowerLimit(gpu) / 1000.0;
                    var range = backend is IBackendDiagnostics d ? d.PowerLimitConstraints(gpu) : null;
                    return string.Create(CultureInfo.InvariantCulture, $"power limit {limit:0.#} W") + (range is null ? "" : range.Ok ? $", settable {range.Value}" : $", range unknown ({range.Result})");
                }),
                KnownPolicyTypes.Actions.ComputeMode => Nvml(gpu, action, required, privileges, simulated, () => "compute mode " + backend.Control.GetComputeMode(gpu)),
                KnownPolicyTypes.Actions.VgpuScheduler => device?.Mode is SharingMode.Vgpu
                    ? Nvml(gpu, action, required, privileges, simulated, () =>
                    {
                        var (policy, slice) = backend.Control.GetVgpuScheduler(gpu);
                        var caps = backend is IBackendDiagnostics d ? d.VgpuSchedulerCapabilities(gpu) : null;
                        return string.Create(CultureInfo.InvariantCulture, $"scheduler {policy}, time slice {(slice == 0 ? "driver default" : slice + " us")}")
                            + (caps is null ? "" : caps.Ok ? $"; accepts {caps.Value}" : $"; capabilities unknown ({caps.Result})");
                    })
                    : NotApplicable(gpu, action, device, "the vGPU scheduler exists only on a vGPU host"),
                KnownPolicyTypes.Actions.MpsThreads or KnownPolicyTypes.Actions.MpsMemoryLimit => device?.Mode is SharingMode.Mps
                    ? MpsPipe(gpu, action, required, simulated, mps)
                    : NotApplicable(gpu, action, device, "MPS limits apply to MPS servers and their clients only"),
                _ => null,
            };
            if (check is not null)
            {
                yield return check;
            }
        }
    }

    private static DoctorCheck Nvml(int gpu, string action, bool required, HostPrivileges privileges, bool simulated, Func<string> readBack)
    {
        string current;
        try
        {
            current = readBack();
        }
        catch (GpuBackendException ex)
        {
            return new(gpu, action, DoctorStatus.Failed, ex.Code, required, $"{ex.Function} returned {ex.Code}: the current value cannot be read back, so it could not be restored");
        }

        if (simulated)
        {
            return new(gpu, action, DoctorStatus.Ok, "ok", required, current + " (simulated host: applied in the simulator, no privilege needed)");
        }

        var privileged = privileges.Has(HostPrivileges.CapSysAdmin);
        var why = privileges.Describe(HostPrivileges.CapSysAdmin, "CAP_SYS_ADMIN");
        return privileged == true
            ? new(gpu, action, DoctorStatus.Ok, "ok", required, $"{current}; {why}")
            : new(gpu, action, DoctorStatus.Failed, privileged is null ? "unknown-privilege" : "no-privilege", required, $"{current}; NVML changes it only as root: {why}");
    }

    // The same binary and pipe directory the enforcer will use (enforcement.mps), not whatever is on PATH.
    private static DoctorCheck MpsPipe(int gpu, string action, bool required, bool simulated, MpsOptions mps)
    {
        if (simulated)
        {
            return new(gpu, action, DoctorStatus.Ok, "ok", required, "simulated host: the simulator's MPS control");
        }

        var pipe = Path.Combine(mps.PipeDirectory, "control");
        var binary = mps.ControlBinary;
        if (!File.Exists(binary))
        {
            return new(gpu, action, DoctorStatus.Failed, "missing", required, $"{binary} (enforcement.mps.controlBinary) does not exist");
        }

        if (!File.Exists(pipe))
        {
            return new(gpu, action, DoctorStatus.Failed, "missing", required, $"no MPS control pipe at {pipe}: is nvidia-cuda-mps-control -d running with CUDA_MPS_PIPE_DIRECTORY={mps.PipeDirectory} (enforcement.mps.pipeDirectory)?");
        }

        return FileOwner.Writable(pipe)
            ? new(gpu, action, DoctorStatus.Ok, "ok", required, $"{binary}, pipe {pipe} writable")
            : new(gpu, action, DoctorStatus.Failed, "no-privilege", required, $"the MPS control pipe {pipe} is not writable by this user");
    }

    private static DoctorCheck NotApplicable(int gpu, string action, DeviceReading? device, string why) =>
        new(gpu, action, DoctorStatus.Warning, "not-applicable", false, $"GPU {gpu} is {device?.Mode.Label() ?? "of unknown mode"}: {why}; the action is refused here");

    private static string Mhz(double? hertz) => hertz is { } h ? string.Create(CultureInfo.InvariantCulture, $"{h / 1e6:0} MHz") : "?";
}
