using GpuQos.Backends.Nvml.Interop;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// Control through NVML (clocks, power limit, compute mode, vGPU scheduler; these need root, act on the whole
/// device and do not survive a driver reload) and through <c>nvidia-cuda-mps-control</c> (MPS).
/// Every failure is raised, NOT_SUPPORTED included: a control call the GPU cannot do is an error to its caller.
/// </summary>
public sealed partial class NvmlBackend
{
    /// <inheritdoc />
    public void SetLockedClocks(int gpu, uint minMhz, uint maxMhz)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetGpuLockedClocks");
            g.Require("nvmlDeviceSetGpuLockedClocks", NvmlNative.nvmlDeviceSetGpuLockedClocks(g.Handle, minMhz, maxMhz));
            g.LockedClocks = (minMhz, maxMhz);
        }
    }

    /// <inheritdoc />
    public void ResetLockedClocks(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceResetGpuLockedClocks");
            g.Require("nvmlDeviceResetGpuLockedClocks", NvmlNative.nvmlDeviceResetGpuLockedClocks(g.Handle));
            g.LockedClocks = null;
        }
    }

    /// <inheritdoc />
    public (uint MinMhz, uint MaxMhz)? GetLockedClocks(int gpu)
    {
        lock (_lock)
        {
            return Gpu(gpu, "nvmlDeviceSetGpuLockedClocks").LockedClocks;
        }
    }

    /// <inheritdoc />
    public unsafe (uint MinMhz, uint MaxMhz)? GetSupportedSmClocks(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetSupportedGraphicsClocks");
            var memory = stackalloc uint[MaxClocks];
            var count = (uint)MaxClocks;
            var code = NvmlNative.nvmlDeviceGetSupportedMemoryClocks(g.Handle, ref count, memory);
            if (code == NvmlReturn.NotSupported)
            {
                return null;
            }

            g.Require("nvmlDeviceGetSupportedMemoryClocks", code);
            uint? low = null, high = null;
            var graphics = stackalloc uint[MaxClocks];
            for (var m = 0; m < Math.Min(count, MaxClocks); m++)
            {
                var n = (uint)MaxClocks;
                g.Require("nvmlDeviceGetSupportedGraphicsClocks", NvmlNative.nvmlDeviceGetSupportedGraphicsClocks(g.Handle, memory[m], ref n, graphics));
                for (var i = 0; i < Math.Min(n, MaxClocks); i++)
                {
                    low = Math.Min(low ?? uint.MaxValue, graphics[i]);
                    high = Math.Max(high ?? 0, graphics[i]);
                }
            }

            return low is { } l && high is { } h ? (l, h) : null;
        }
    }

    /// <inheritdoc />
    public (uint MinMilliwatts, uint MaxMilliwatts)? GetPowerLimitConstraints(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetPowerManagementLimitConstraints");
            var code = NvmlNative.nvmlDeviceGetPowerManagementLimitConstraints(g.Handle, out var min, out var max);
            if (code == NvmlReturn.NotSupported)
            {
                return null;
            }

            g.Require("nvmlDeviceGetPowerManagementLimitConstraints", code);
            return (min, max);
        }
    }

    /// <inheritdoc />
    public uint GetPowerLimit(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetPowerManagementLimit");
            g.Require("nvmlDeviceGetPowerManagementLimit", NvmlNative.nvmlDeviceGetPowerManagementLimit(g.Handle, out var milliwatts));
            return milliwatts;
        }
    }

    /// <inheritdoc />
    public void SetPowerLimit(int gpu, uint milliwatts)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetPowerManagementLimit");
            g.Require("nvmlDeviceSetPowerManagementLimit", NvmlNative.nvmlDeviceSetPowerManagementLimit(g.Handle, milliwatts));
        }
    }

    /// <inheritdoc />
    public ComputeMode GetComputeMode(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetComputeMode");
            g.Require("nvmlDeviceGetComputeMode", NvmlNative.nvmlDeviceGetComputeMode(g.Handle, out var mode));
            return (ComputeMode)mode;
        }
    }

    /// <inheritdoc />
    public void SetComputeMode(int gpu, ComputeMode mode)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetComputeMode");
            g.Require("nvmlDeviceSetComputeMode", NvmlNative.nvmlDeviceSetComputeMode(g.Handle, (int)mode));
        }
    }

    /// <inheritdoc />
    public (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) GetVgpuScheduler(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetVgpuSchedulerState");
            g.Require("nvmlDeviceGetVgpuSchedulerState", NvmlNative.nvmlDeviceGetVgpuSchedulerState(g.Handle, out var state));
            return ((VgpuSchedulerPolicy)state.SchedulerPolicy, state.TimesliceNs / 1000);
        }
    }

    /// <inheritdoc />
    public void SetVgpuScheduler(int gpu, VgpuSchedulerPolicy policy, uint timesliceMicroseconds)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetVgpuSchedulerState");

            // A fixed time slice means adaptive round robin off; NVML takes the slice in ns.
            var state = new NvmlVgpuSchedulerSetState
            {
                SchedulerPolicy = (uint)policy,
                EnableArrMode = ArrDisabled,
                Params0 = checked(timesliceMicroseconds * 1000),
            };
            g.Require("nvmlDeviceSetVgpuSchedulerState", NvmlNative.nvmlDeviceSetVgpuSchedulerState(g.Handle, in state));
        }
    }

    /// <inheritdoc />
    public void SetMpsActiveThreadPercentage(int gpu, int? clientPid, int percentage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentage, 100);
        int? server = null;
        lock (_lock)
        {
            var g = Gpu(gpu, MpsControl.Function);
            if (clientPid is not null)
            {
                // MPS sets the percentage per server, not per client: find this GPU's server.
                server = (RunningProcesses(g) ?? []).Select(p => (int)p.Pid).FirstOrDefault(pid => ProcessName(g, pid) == MpsServerName);
                if (server is 0)
                {
                    throw new Model.Backends.GpuBackendException(MpsControl.Function, NvmlReturn.NotFound.Name(), gpu, $"no {MpsServerName} runs on GPU {gpu}");
                }
            }
        }

        if (server is { } pid)
        {
            _mps.SetActiveThreadPercentage(pid, percentage);
        }
        else
        {
            _mps.SetDefaultActiveThreadPercentage(percentage);
        }
    }

    private const uint ArrDisabled = 1;

    // NVML lists a few hundred graphics clocks at most per memory clock.
    private const int MaxClocks = 512;
}
