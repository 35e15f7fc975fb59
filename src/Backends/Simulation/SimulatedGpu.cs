using GpuQos.Model.Devices;

namespace GpuQos.Backends.Simulation;

/// <summary>
/// One simulated GPU: its geometry, its control state, and the sharing model that turns the workloads'
/// demand into utilization. <see cref="At"/> computes a consistent state for one instant, which every
/// read of the same instant shares.
/// </summary>
internal sealed class SimulatedGpu
{
    private const double ContextSwitchOverhead = 0.02;
    private const double IdleClockMhz = 345;
    private const long ReservedBytes = 512L << 20;

    private readonly int _seed;
    private readonly SimGpuOptions _options;
    private readonly IReadOnlyList<MigPlacement> _placements;
    private readonly List<SimProcess> _processes = [];
    private readonly Dictionary<int, double> _dutyCycle = [];
    private readonly Dictionary<int, double> _weight = [];
    private readonly Dictionary<int, int> _mpsPercentage = [];
    private (int Percentage, TimeSpan SetAt)? _mpsDefault;
    private SimState? _last;

    // Scratch for one allocation, reused every cycle: the running processes and their caps, weights and shares.
    private readonly List<SimProcess> _active = [];
    private double[] _caps = [];
    private double[] _weights = [];
    private double[] _shares = [];

    // Each MIG instance's partition ID, and its UUID for the incarnation it was last computed for.
    private readonly string[] _migIds;
    private readonly (long Incarnation, string Uuid)?[] _migUuids;

    // The scenario's XID events in time order, and the counts by code for the number of them that had happened.
    private readonly SimXidOptions[] _xids;
    private (int Count, IReadOnlyDictionary<int, long> ByCode) _xidCounts = (0, new Dictionary<int, long>());

    // Set by a control change, so the next read of the same instant shows its effect.
    private bool _stale;
    private double _energyJoules;

    public SimulatedGpu(int index, int seed, SimGpuOptions options)
    {
        _seed = seed;
        _options = options;
        Model = options.ResolvedModel ?? throw new ArgumentException($"unknown model {options.Model}", nameof(options));
        var uuid = options.Uuid ?? "GPU-" + StableHash.Uuid(StableHash.Of(seed, "gpu", index));
        Identity = new GpuIdentity(index, uuid, Model.ProductName, $"00000000:{0x17 + (index * 0x10):X2}:00.0", $"13240{index:D5}", index);
        PowerLimitWatts = Model.TdpWatts;
        VgpuPolicy = options.Vgpu?.Scheduler ?? VgpuSchedulerPolicy.Unknown;
        VgpuTimeslice = options.Vgpu?.Timeslice ?? TimeSpan.Zero;
        _placements = options.Mode == SharingMode.Mig
            ? MigGeometry.Place(Model, options.Mig.Select(m => (m.Profile, m.Start)).ToList()).Placements
            : [];

        _migIds = [.. Enumerable.Range(0, options.Mig.Count).Select(MigPartitionId)];
        _migUuids = new (long, string)?[options.Mig.Count];
        _xids = [.. options.Xids.OrderBy(x => x.At)];
        foreach (var w in options.Workloads)
        {
            _processes.Add(new SimProcess(w, "whole", -1, DemandKey.Of(seed, w.Name)));
        }

        for (var i = 0; i < options.Mig.Count; i++)
        {
            foreach (var w in options.Mig[i].Workloads)
            {
                _processes.Add(new SimProcess(w, _migIds[i], i, DemandKey.Of(seed, w.Name)));
            }
        }
    }

    public GpuModel Model { get; }
    public GpuIdentity Identity { get; }
    public (uint MinMhz, uint MaxMhz)? LockedClocks
    {
        get;
        set => (field, _stale) = (value, true);
    }

    public double PowerLimitWatts
    {
        get;
        set => (field, _stale) = (value, true);
    }

    public ComputeMode ComputeMode
    {
        get;
        set => (field, _stale) = (value, true);
    } = ComputeMode.Default;

    public VgpuSchedulerPolicy VgpuPolicy
    {
        get;
        set => (field, _stale) = (value, true);
    }

    public TimeSpan VgpuTimeslice
    {
        get;
        set => (field, _stale) = (value, true);
    }
    public SharingMode Mode => _options.Mode;
    public bool HasVgpuInstances => _options.Vgpu?.Instances.Count > 0;

    public bool Owns(int pid) => _processes.Exists(p => p.Options.Pid == pid) || (Mode == SharingMode.Mps && pid == _options.MpsServerPid);

    public bool IsRunning(int pid, TimeSpan t) =>
        _processes.Exists(p => p.Options.Pid == pid && RunStart(p.Options, t) is not null && (p.Instance < 0 || Incarnation(p.Instance, t) is not null))
        || (Mode == SharingMode.Mps && pid == _options.MpsServerPid);

    public void SetDutyCycle(int pid, double ratio) => (_dutyCycle[pid], _stale) = (Math.Clamp(ratio, 0, 1), true);

    public void SetWeight(int pid, double weight) => (_weight[pid], _stale) = (Math.Max(0.01, weight), true);

    public void SetMpsPercentage(int? pid, int percentage, TimeSpan now)
    {
        _stale = true;
        if (pid is { } p)
        {
            _mpsPercentage[p] = percentage;
        }
        else
        {
            _mpsDefault = (percentage, now);
        }
    }

    /// <summary>The state at simulated time <paramref name="t"/>; energy integrates between successive instants.</summary>
    public SimState At(TimeSpan t)
    {
        if (_last is { } last && last.Time == t && !_stale)
        {
            return last;
        }

        _stale = false;

        var state = Compute(t);
        if (_last is { } previous && t > previous.Time)
        {
            _energyJoules += state.PowerWatts * (t - previous.Time).TotalSeconds;
        }

        state = state with { Device = state.Device with { EnergyJoules = _energyJoules } };
        _last = state;
        return state;
    }

    private SimState Compute(TimeSpan t)
    {
        var maxClock = (double)Model.MaxSmClockMhz;
        var clock = LockedClocks is { } locked ? Math.Min(locked.MaxMhz, maxClock) : maxClock;
        var powerCapped = false;
        Allocation allocation = default;
        double power = 0;

        // The power limit lowers the clock until the draw fits; a lower clock makes the same work take more
        // SM time, so iterate to a fixed point.
        for (var iteration = 0; iteration < 6; iteration++)
        {
            allocation = Allocate(t, clock / maxClock);
            var ratio = clock / maxClock;
            power = Model.IdleWatts + ((Model.TdpWatts - Model.IdleWatts) * allocation.Busy * ratio * ratio);
            if (power <= PowerLimitWatts + 0.5 || allocation.Busy <= 0)
            {
                break;
            }

            powerCapped = true;
            var fit = Math.Sqrt(Math.Max(0, PowerLimitWatts - Model.IdleWatts) / ((Model.TdpWatts - Model.IdleWatts) * allocation.Busy));
            clock = Math.Max(IdleClockMhz, Math.Min(clock, fit * maxClock));
        }

        power = Math.Min(power, Math.Max(PowerLimitWatts, Model.IdleWatts));
        var smClock = allocation.Busy > 0.01 ? clock : Math.Min(clock, IdleClockMhz);
        var memoryUsed = ReservedBytes + allocation.Processes.Sum(p => p.UsedMemoryBytes) + allocation.Partitions.Where(p => p.Kind == PartitionKind.Vgpu).Sum(p => p.MemoryUsedBytes ?? 0);
        var isMig = Mode == SharingMode.Mig;
        var device = new DeviceReading
        {
            Mode = Mode,
            MemoryTotalBytes = Model.MemoryBytes,
            MemoryUsedBytes = memoryUsed,
            MemoryReservedBytes = ReservedBytes,

            // NVML reports no whole-device utilization while MIG is enabled; neither does the simulator.
            SmUtilization = isMig ? null : allocation.Busy,
            MemoryBandwidthUtilization = isMig ? null : allocation.MemoryBusy,
            SmClockHz = smClock * 1e6,
            SmClockMaxHz = maxClock * 1e6,
            MemoryClockHz = Model.MaxMemoryClockMhz * 1e6,
            LockedClockHz = LockedClocks is { } l ? new ClockRange(l.MinMhz * 1e6, l.MaxMhz * 1e6) : null,
            PowerWatts = power,
            PowerLimitWatts = PowerLimitWatts,
            TemperatureCelsius = 30 + (50 * power / Model.TdpWatts),
            ComputeMode = ComputeMode,
        };

        ulong reasons = 0;
        if (allocation.Busy < 0.01)
        {
            reasons |= ClockEventReasons.GpuIdle;
        }

        if (powerCapped)
        {
            reasons |= ClockEventReasons.SwPowerCap;
        }

        var xids = XidsBy(t);
        var health = new HealthReading
        {
            ClockEventReasons = reasons,
            EccCorrectedTotal = 0,
            EccUncorrectedTotal = 0,
            RemappedRowsCorrectable = 0,
            RemappedRowsUncorrectable = 0,
            RemapPending = false,
            RemapFailed = false,
            XidErrorsTotal = xids.Count,
            LastXid = xids.Count > 0 ? _xids[xids.Count - 1].Xid : null,
            XidErrorsByCode = xids.ByCode,
            PcieTxBytesPerSecond = 2e8 + (allocation.Busy * 4e9),
            PcieRxBytesPerSecond = 1e8 + (allocation.Busy * 2e9),
        };

        return new SimState(t, device, health, allocation.Partitions, allocation.Processes, power);
    }

    private Allocation Allocate(TimeSpan t, double clockRatio) => Mode switch
    {
        SharingMode.Mig => AllocateMig(t, clockRatio),
        SharingMode.Vgpu => AllocateVgpu(t, clockRatio),
        _ => AllocateShared(t, clockRatio),
    };

    private Allocation AllocateShared(TimeSpan t, double clockRatio)
    {
        var active = Running(-1, t);
        var shares = Share(active, t, clockRatio, mps: Mode == SharingMode.Mps);
        var (busy, memoryBusy) = Busy(active, shares);
        var processes = new List<ProcessReading>(active.Count + 1);
        long processMemory = 0;
        for (var i = 0; i < active.Count; i++)
        {
            var w = active[i].Options;
            var attributable = Mode != SharingMode.Mps;
            processes.Add(new ProcessReading
            {
                Pid = w.Pid,
                Name = w.Process,
                PartitionId = "whole",
                UsedMemoryBytes = w.Memory,
                Contexts = Mode == SharingMode.Mps ? ProcessContexts.MpsClient : ProcessContexts.Compute,
                SmUtilization = attributable ? shares[i] : null,
                MemoryBandwidthUtilization = attributable ? shares[i] * w.MemoryIntensity : null,
                EncoderUtilization = attributable ? 0 : null,
                DecoderUtilization = attributable ? 0 : null,
                CgroupPath = w.Cgroup,
                User = w.User,
            });
            processMemory += w.Memory;
        }

        if (Mode == SharingMode.Mps)
        {
            // NVML charges every MPS client's work to the server process.
            processes.Add(new ProcessReading
            {
                Pid = _options.MpsServerPid,
                Name = "nvidia-cuda-mps-server",
                PartitionId = "whole",
                UsedMemoryBytes = 32L << 20,
                SmUtilization = busy,
                MemoryBandwidthUtilization = memoryBusy,
                EncoderUtilization = 0,
                DecoderUtilization = 0,
                CgroupPath = "/system.slice/nvidia-mps.service",
                User = "root",
            });
            processMemory += 32L << 20;
        }

        var partition = new PartitionReading
        {
            Id = "whole",
            Kind = Mode == SharingMode.Exclusive ? PartitionKind.Exclusive : PartitionKind.Shared,
            SmCount = Model.SmCount,
            MemoryTotalBytes = Model.MemoryBytes,
            MemoryUsedBytes = ReservedBytes + processMemory,
            SmUtilization = busy,
            MemoryBandwidthUtilization = memoryBusy,
        };
        return new Allocation(busy, memoryBusy, [partition], processes);
    }

    private Allocation AllocateMig(TimeSpan t, double clockRatio)
    {
        var partitions = new List<PartitionReading>(_placements.Count);
        var processes = new List<ProcessReading>();
        double weightedBusy = 0, weightedMemory = 0;
        var totalSms = _placements.Sum(p => p.Profile.SmCount);
        for (var i = 0; i < _placements.Count; i++)
        {
            var placement = _placements[i];
            if (Incarnation(i, t) is not { } incarnation)
            {
                continue;
            }

            var active = Running(i, t);
            var shares = Share(active, t, clockRatio, mps: false);
            var (busy, memoryBusy) = Busy(active, shares);
            weightedBusy += busy * placement.Profile.SmCount / Math.Max(1, totalSms);
            weightedMemory += memoryBusy * placement.Profile.MemorySlices / Model.MemorySlices;
            var id = _migIds[i];
            long memory = 0;
            foreach (var p in active)
            {
                memory += p.Options.Memory;
                processes.Add(new ProcessReading
                {
                    Pid = p.Options.Pid,
                    Name = p.Options.Process,
                    PartitionId = id,
                    UsedMemoryBytes = p.Options.Memory,

                    // NVML has no per-process utilization inside MIG instances.
                    CgroupPath = p.Options.Cgroup,
                    User = p.Options.User,
                });
            }

            partitions.Add(new PartitionReading
            {
                Id = id,
                Kind = PartitionKind.Mig,
                Profile = placement.Profile.Name,
                Uuid = MigUuid(i, incarnation),
                GpuInstanceId = i + 1,
                ComputeInstanceId = 0,
                PlacementStart = placement.Start,
                SmCount = placement.Profile.SmCount,
                MemoryTotalBytes = placement.Profile.MemoryBytes,
                MemoryUsedBytes = memory,
                SmUtilization = busy,
                MemoryBandwidthUtilization = memoryBusy,
            });
        }

        return new Allocation(weightedBusy, weightedMemory, partitions, processes);
    }

    private Allocation AllocateVgpu(TimeSpan t, double clockRatio)
    {
        var instances = _options.Vgpu?.Instances ?? [];
        var caps = new double[instances.Count];
        var weights = new double[instances.Count];
        var running = instances.Count(i => i.Demand.Level > 0 || i.Demand.Peak > 0);
        for (var i = 0; i < instances.Count; i++)
        {
            var v = instances[i];
            var cap = Math.Min(1, DemandProfile.At(v.Demand, _seed, v.Vm, t) / clockRatio);
            cap = VgpuPolicy switch
            {
                VgpuSchedulerPolicy.EqualShare => Math.Min(cap, 1.0 / Math.Max(1, running)),
                VgpuSchedulerPolicy.FixedShare => Math.Min(cap, (double)v.Framebuffer / Model.MemoryBytes),
                _ => cap,
            };
            caps[i] = cap;
            weights[i] = 1;
        }

        var shares = new double[instances.Count];
        FairShare.Allocate(1, caps, weights, shares);
        var partitions = new List<PartitionReading>(instances.Count);
        for (var i = 0; i < instances.Count; i++)
        {
            var v = instances[i];
            partitions.Add(new PartitionReading
            {
                Id = $"vgpu-{i + 1}",
                Kind = PartitionKind.Vgpu,
                Profile = v.Type,
                VgpuInstanceId = i + 1,
                VmId = v.Vm,
                MemoryTotalBytes = v.Framebuffer,
                MemoryUsedBytes = (long)(v.Framebuffer * v.FramebufferUsed),
                SmUtilization = shares[i],
                MemoryBandwidthUtilization = shares[i] * 0.4,
                EncoderUtilization = shares[i] * v.EncoderRatio,
                DecoderUtilization = 0,
                SchedulerPolicy = VgpuPolicy,
                SchedulerTimesliceSeconds = VgpuTimeslice.TotalSeconds,
            });
        }

        var busy = shares.Sum();
        return new Allocation(busy, busy * 0.4, partitions, []);
    }

    // The shares of the running processes, in the scratch array: valid until the next call.
    private ReadOnlySpan<double> Share(List<SimProcess> active, TimeSpan t, double clockRatio, bool mps)
    {
        if (_caps.Length < active.Count)
        {
            (_caps, _weights, _shares) = (new double[active.Count], new double[active.Count], new double[active.Count]);
        }

        var caps = _caps.AsSpan(0, active.Count);
        var weights = _weights.AsSpan(0, active.Count);
        var busyContexts = 0;
        for (var i = 0; i < active.Count; i++)
        {
            var w = active[i].Options;
            var cap = Math.Min(1, DemandProfile.At(w.Demand, active[i].Demand, t) / clockRatio);
            cap = Math.Min(cap, _dutyCycle.GetValueOrDefault(w.Pid, 1));
            if (mps && MpsPercentage(w, t) is { } pct)
            {
                cap = Math.Min(cap, pct / 100.0);
            }

            caps[i] = cap;
            weights[i] = w.Weight * _weight.GetValueOrDefault(w.Pid, 1);
            if (cap > 0.005)
            {
                busyContexts++;
            }
        }

        // Time-slicing loses a little to context switches between busy contexts; MPS runs clients concurrently.
        var capacity = mps ? 1 : 1 - (ContextSwitchOverhead * Math.Max(0, busyContexts - 1));
        var shares = _shares.AsSpan(0, active.Count);
        FairShare.Allocate(capacity, caps, weights, shares);
        return shares;
    }

    // The processes of instance `instance` (-1: every process) running at t, in the scratch list: valid until the next call.
    private List<SimProcess> Running(int instance, TimeSpan t)
    {
        _active.Clear();
        foreach (var p in _processes)
        {
            if ((instance < 0 || p.Instance == instance) && RunStart(p.Options, t) is not null)
            {
                _active.Add(p);
            }
        }

        return _active;
    }

    private static (double Busy, double MemoryBusy) Busy(List<SimProcess> active, ReadOnlySpan<double> shares)
    {
        double busy = 0, memory = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            busy += shares[i];
            memory += shares[i] * active[i].Options.MemoryIntensity;
        }

        return (busy, memory);
    }

    // An instance keeps its UUID while it lives; a new incarnation (destroyed and created again) gets a new one.
    private string MigUuid(int i, long incarnation)
    {
        if (_migUuids[i] is { } known && known.Incarnation == incarnation)
        {
            return known.Uuid;
        }

        var uuid = "MIG-" + StableHash.Uuid(StableHash.Of(_seed, Identity.Uuid, (incarnation << 8) | (uint)i));
        _migUuids[i] = (incarnation, uuid);
        return uuid;
    }

    // How many XID events had happened by t, and their counts by code, built again only when that number changes.
    private (int Count, IReadOnlyDictionary<int, long> ByCode) XidsBy(TimeSpan t)
    {
        var count = 0;
        while (count < _xids.Length && _xids[count].At <= t)
        {
            count++;
        }

        if (count != _xidCounts.Count)
        {
            _xidCounts = (count, _xids.Take(count).GroupBy(x => x.Xid).ToDictionary(g => g.Key, g => (long)g.Count()));
        }

        return _xidCounts;
    }

    private int? MpsPercentage(SimWorkloadOptions w, TimeSpan t)
    {
        if (_mpsPercentage.TryGetValue(w.Pid, out var pct))
        {
            return pct;
        }

        // The server-wide default reaches only clients created after it was set.
        return _mpsDefault is { } d && RunStart(w, t) is { } start && start >= d.SetAt ? d.Percentage : null;
    }

    /// <summary>When the workload's current run started, or null when it is not running at <paramref name="t"/>.</summary>
    private static TimeSpan? RunStart(SimWorkloadOptions w, TimeSpan t) => WindowStart(w.Start, w.Stop, w.Every, t);

    /// <summary>Start of the current occurrence of a (possibly repeating) window, or null outside it.</summary>
    internal static TimeSpan? WindowStart(TimeSpan from, TimeSpan? until, TimeSpan? every, TimeSpan t)
    {
        if (t < from)
        {
            return null;
        }

        if (every is { } period && period > TimeSpan.Zero)
        {
            var cycles = (t - from).Ticks / period.Ticks;
            var start = from + TimeSpan.FromTicks(cycles * period.Ticks);
            return until is { } stop && t - start >= stop - from ? null : start;
        }

        return until is { } end && t >= end ? null : from;
    }

    /// <summary>How many times instance <paramref name="i"/> has been created by <paramref name="t"/>, or null while it does not exist.</summary>
    private long? Incarnation(int i, TimeSpan t)
    {
        if (_options.Mig[i].Lifetime is not { } life)
        {
            return 0;
        }

        return WindowStart(life.From, life.Until, life.Every, t) is { } start
            ? (life.Every is { } every && every > TimeSpan.Zero ? (start - life.From).Ticks / every.Ticks : 0)
            : null;
    }

    private static string MigPartitionId(int instance) => $"gi{instance + 1}-ci0";

    private sealed record SimProcess(SimWorkloadOptions Options, string PartitionId, int Instance, DemandKey Demand);

    private readonly record struct Allocation(double Busy, double MemoryBusy, IReadOnlyList<PartitionReading> Partitions, IReadOnlyList<ProcessReading> Processes);
}

/// <summary>Everything a simulated GPU reports for one instant.</summary>
internal sealed record SimState(
    TimeSpan Time,
    DeviceReading Device,
    HealthReading Health,
    IReadOnlyList<PartitionReading> Partitions,
    IReadOnlyList<ProcessReading> Processes,
    double PowerWatts);
