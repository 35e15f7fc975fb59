using System.Net;
using System.Net.Sockets;
using GpuQos.Backends.Simulation.Services;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Simulation;

/// <summary>
/// The simulated host (<c>--backend sim</c>): time-sliced, MPS, MIG and vGPU devices with workloads, and the
/// effect of every control action. Its state depends only on the scenario's seed and the injected
/// <see cref="TimeProvider"/>: the same seed read at the same instants gives identical readings.
/// </summary>
public sealed class SimulatedBackend : IGpuBackend, IGpuControl, ISimulatedProcessControl
{
    // The lowest SM clock the simulated GPUs support, as NVIDIA data-centre GPUs list it.
    private const uint SimulatedClockFloorMhz = 210;

    private readonly TimeProvider _time;
    private readonly DateTimeOffset _origin;
    private readonly SimulatedGpu[] _gpus;
    private readonly Lock _lock = new();
    private readonly ScenarioOptions _scenario;
    private readonly ManualResetEventSlim _disposed = new();
    private readonly List<SimulatedService> _services = [];

    /// <summary>Creates the simulated host. Simulated time starts now, by <paramref name="time"/>.</summary>
    public SimulatedBackend(ScenarioOptions scenario, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _time = time;
        _origin = time.GetUtcNow();
        _gpus = scenario.Gpus.Select((g, i) => new SimulatedGpu(i, scenario.Seed, g)).ToArray();
        Gpus = _gpus.Select(g => g.Identity).ToArray();
        _scenario = scenario;
        try
        {
            StartServices(scenario);
        }
        catch
        {
            Dispose();
            throw;
        }

        ServiceEndpoints = _services.ToDictionary(s => s.Name, s => s.Endpoint.Address, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public string Name => "sim";

    /// <inheritdoc />
    public IGpuControl Control => this;

    /// <inheritdoc />
    public IReadOnlyList<GpuIdentity> Gpus { get; }

    /// <summary>
    /// The metrics endpoint of each simulated service (a workload with a <c>latency</c> model), by workload name: where
    /// <c>http://NAME.sim.localhost/metrics</c> (<see cref="SimulatedServiceNames"/>) connects.
    /// </summary>
    public IReadOnlyDictionary<string, IPEndPoint> ServiceEndpoints { get; }

    /// <summary>Simulated time elapsed since the host was created.</summary>
    public TimeSpan Elapsed => _time.GetUtcNow() - _origin;

    /// <inheritdoc />
    public DeviceReading ReadDevice(int gpu)
    {
        BlockIfHung(gpu);
        return State(gpu).Device;
    }

    /// <inheritdoc />
    public HealthReading ReadHealth(int gpu) => State(gpu).Health;

    /// <inheritdoc />
    public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => State(gpu).Partitions;

    /// <inheritdoc />
    public IReadOnlyList<ProcessReading> ReadProcesses(int gpu) => State(gpu).Processes;

    /// <inheritdoc />
    public void SetLockedClocks(int gpu, uint minMhz, uint maxMhz)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetGpuLockedClocks");
            if (minMhz > maxMhz || maxMhz > g.Model.MaxSmClockMhz || minMhz < SimulatedClockFloorMhz)
            {
                throw new GpuBackendException("nvmlDeviceSetGpuLockedClocks", "INVALID_ARGUMENT", gpu, $"clock range {minMhz}-{maxMhz} MHz is outside {SimulatedClockFloorMhz}-{g.Model.MaxSmClockMhz} MHz");
            }

            g.LockedClocks = (minMhz, maxMhz);
        }
    }

    /// <inheritdoc />
    public void ResetLockedClocks(int gpu)
    {
        lock (_lock)
        {
            Gpu(gpu, "nvmlDeviceResetGpuLockedClocks").LockedClocks = null;
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
    public (uint MinMhz, uint MaxMhz)? GetSupportedSmClocks(int gpu)
    {
        lock (_lock)
        {
            return (SimulatedClockFloorMhz, (uint)Gpu(gpu, "nvmlDeviceGetSupportedGraphicsClocks").Model.MaxSmClockMhz);
        }
    }

    /// <inheritdoc />
    public (uint MinMilliwatts, uint MaxMilliwatts)? GetPowerLimitConstraints(int gpu)
    {
        lock (_lock)
        {
            var tdp = Gpu(gpu, "nvmlDeviceGetPowerManagementLimitConstraints").Model.TdpWatts;
            return ((uint)Math.Round(tdp * 250), (uint)Math.Round(tdp * 1000));
        }
    }

    /// <inheritdoc />
    public uint GetPowerLimit(int gpu)
    {
        lock (_lock)
        {
            return (uint)(Gpu(gpu, "nvmlDeviceGetPowerManagementLimit").PowerLimitWatts * 1000);
        }
    }

    /// <inheritdoc />
    public void SetPowerLimit(int gpu, uint milliwatts)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetPowerManagementLimit");
            var watts = milliwatts / 1000.0;
            if (watts < g.Model.TdpWatts * 0.25 || watts > g.Model.TdpWatts)
            {
                throw new GpuBackendException("nvmlDeviceSetPowerManagementLimit", "INVALID_ARGUMENT", gpu, $"{watts} W is outside {g.Model.TdpWatts * 0.25}-{g.Model.TdpWatts} W");
            }

            g.PowerLimitWatts = watts;
        }
    }

    /// <inheritdoc />
    public ComputeMode GetComputeMode(int gpu)
    {
        lock (_lock)
        {
            return Gpu(gpu, "nvmlDeviceGetComputeMode").ComputeMode;
        }
    }

    /// <inheritdoc />
    public void SetComputeMode(int gpu, ComputeMode mode)
    {
        lock (_lock)
        {
            Gpu(gpu, "nvmlDeviceSetComputeMode").ComputeMode = mode;
        }
    }

    /// <inheritdoc />
    public (VgpuSchedulerPolicy Policy, uint TimesliceMicroseconds) GetVgpuScheduler(int gpu)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceGetVgpuSchedulerState");
            if (g.Mode != SharingMode.Vgpu)
            {
                throw new GpuBackendException("nvmlDeviceGetVgpuSchedulerState", "NOT_SUPPORTED", gpu, "the GPU is not in vGPU mode");
            }

            return (g.VgpuPolicy, (uint)(g.VgpuTimeslice.Ticks / 10));
        }
    }

    /// <inheritdoc />
    public void SetVgpuScheduler(int gpu, VgpuSchedulerPolicy policy, uint timesliceMicroseconds)
    {
        lock (_lock)
        {
            var g = Gpu(gpu, "nvmlDeviceSetVgpuSchedulerState");
            if (g.Mode != SharingMode.Vgpu)
            {
                throw new GpuBackendException("nvmlDeviceSetVgpuSchedulerState", "NOT_SUPPORTED", gpu, "the GPU is not in vGPU mode");
            }

            // As on a real host: the scheduler can be changed only while no VM runs.
            if (g.HasVgpuInstances)
            {
                throw new GpuBackendException("nvmlDeviceSetVgpuSchedulerState", "IN_USE", gpu, "vGPU instances are running; the scheduler can be changed only while no VM runs");
            }

            g.VgpuPolicy = policy;
            g.VgpuTimeslice = TimeSpan.FromTicks(timesliceMicroseconds * 10L);
        }
    }

    /// <inheritdoc />
    public void SetMpsActiveThreadPercentage(int gpu, int? clientPid, int percentage)
    {
        if (percentage is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentage), percentage, "active-thread percentage must be 1-100");
        }

        lock (_lock)
        {
            var g = Gpu(gpu, "set_active_thread_percentage");
            if (g.Mode != SharingMode.Mps)
            {
                throw new GpuBackendException("set_active_thread_percentage", "NOT_SUPPORTED", gpu, "the GPU is not shared through MPS");
            }

            g.SetMpsPercentage(clientPid, percentage, Elapsed);
        }
    }

    /// <inheritdoc />
    public bool ProcessExists(int pid)
    {
        lock (_lock)
        {
            var t = Elapsed;
            return _gpus.Any(g => g.IsRunning(pid, t));
        }
    }

    /// <inheritdoc />
    public void SetDutyCycle(int pid, double ratio)
    {
        lock (_lock)
        {
            foreach (var g in _gpus.Where(g => g.Owns(pid)))
            {
                g.SetDutyCycle(pid, ratio);
            }
        }
    }

    /// <inheritdoc />
    public void SetWeight(int pid, double weight)
    {
        lock (_lock)
        {
            foreach (var g in _gpus.Where(g => g.Owns(pid)))
            {
                g.SetWeight(pid, weight);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed.IsSet)
        {
            return;
        }

        _disposed.Set();
        foreach (var service in _services)
        {
            service.Endpoint.Dispose();
        }
    }

    // Each workload with a latency model serves its histogram on a loopback port of its own; a scrape of it first
    // brings its GPU's state up to now, so the requests of every elapsed moment are counted at the share they got.
    private void StartServices(ScenarioOptions scenario)
    {
        for (var gpu = 0; gpu < scenario.Gpus.Count; gpu++)
        {
            foreach (var (w, j) in scenario.Gpus[gpu].Workloads.Select((w, j) => (w, j)))
            {
                if (w.Latency is not { } options)
                {
                    continue;
                }

                var latency = new QueueingLatency(options, scenario.Seed, w.Name);
                var index = gpu;
                MetricsEndpoint endpoint;
                try
                {
                    endpoint = new MetricsEndpoint(options.Port, () =>
                    {
                        State(index);
                        return latency.Render();
                    });
                }
                catch (SocketException ex)
                {
                    throw new InvalidOperationException($"gpus[{gpu}].workloads[{j}].latency.port: cannot listen on 127.0.0.1:{options.Port} ({ex.Message}); 0 takes any free port", ex);
                }

                _services.Add(new SimulatedService(w.Name, gpu, w.Pid, latency, endpoint));
            }
        }
    }

    // A wedged driver call never returns; disposing the host releases it so the process can still exit.
    private void BlockIfHung(int gpu)
    {
        if (gpu >= 0 && gpu < _scenario.Gpus.Count && _scenario.Gpus[gpu].HangAt is { } at && Elapsed >= at)
        {
            _disposed.Wait();
            throw new GpuBackendException("read", "GPU_IS_LOST", gpu, "the simulated driver hung and the host was disposed");
        }
    }

    private SimState State(int gpu)
    {
        lock (_lock)
        {
            var state = Gpu(gpu, "read").At(Elapsed);
            foreach (var service in _services)
            {
                if (service.Gpu == gpu)
                {
                    service.Latency.Advance(state.Time, state.Processes.FirstOrDefault(p => p.Pid == service.Pid)?.SmUtilization);
                }
            }

            return state;
        }
    }

    private SimulatedGpu Gpu(int gpu, string function) =>
        gpu >= 0 && gpu < _gpus.Length
            ? _gpus[gpu]
            : throw new GpuBackendException(function, "INVALID_ARGUMENT", gpu, $"there is no GPU {gpu}");
}
