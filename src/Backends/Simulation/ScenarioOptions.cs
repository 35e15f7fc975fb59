using System.ComponentModel.DataAnnotations;
using GpuQos.Backends.Simulation.Services;
using GpuQos.Model.Configuration;
using GpuQos.Model.Devices;

namespace GpuQos.Backends.Simulation;

/// <summary>A simulated host: GPUs, their sharing mode and geometry, and the workloads on them.</summary>
public sealed class ScenarioOptions : IValidatableObject
{
    /// <summary>Seed for every random choice the simulation makes (UUIDs, bursts, jitter).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The GPUs, in index order.</summary>
    public List<SimGpuOptions> Gpus { get; init; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Gpus.Count == 0)
        {
            yield return new ValidationResult("a scenario needs at least one GPU", [nameof(Gpus)]);
        }

        var pids = new Dictionary<int, string>();
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (gpu, i) in Gpus.Select((g, i) => (g, i)))
        {
            foreach (var (w, path) in gpu.AllWorkloads($"gpus[{i}]"))
            {
                if (w.Pid > 0 && !pids.TryAdd(w.Pid, path))
                {
                    yield return new ValidationResult($"pid {w.Pid} is already used by {pids[w.Pid]}", [path + ".pid"]);
                }

                if (w.Latency is null)
                {
                    continue;
                }

                // The share a process gets is known only on a whole device that is time-sliced or exclusive.
                if (path.Contains(".mig[", StringComparison.Ordinal) || gpu.Mode is not (SharingMode.TimeSliced or SharingMode.Exclusive))
                {
                    yield return new ValidationResult($"a latency model needs a time-sliced or exclusive GPU, where the process's share is known; gpus[{i}] is {gpu.Mode.Label()}", [path + ".latency"]);
                }

                if (!SimulatedServiceNames.IsValidName(w.Name))
                {
                    yield return new ValidationResult($"a workload with a latency model is reached as NAME{SimulatedServiceNames.Suffix}, so its name must be lower-case letters, digits and '-' (at most 63), got '{w.Name}'", [path + ".name"]);
                }
                else if (!services.TryAdd(w.Name, path))
                {
                    yield return new ValidationResult($"service name '{w.Name}' is already used by {services[w.Name]}", [path + ".name"]);
                }
            }
        }
    }
}

/// <summary>One simulated GPU.</summary>
public sealed class SimGpuOptions : IValidatableObject
{
    /// <summary>Model key from the catalogue, e.g. <c>H100-SXM5-80GB</c>.</summary>
    [Required]
    public string Model { get; init; } = "";

    /// <summary>Sharing mode.</summary>
    public SharingMode Mode { get; init; } = SharingMode.TimeSliced;

    /// <summary>Fixed UUID; derived from the seed when absent.</summary>
    public string? Uuid { get; init; }

    /// <summary>PID of the MPS server process (MPS mode only).</summary>
    public int MpsServerPid { get; init; }

    /// <summary>MIG GPU instances, in creation order (MIG mode only).</summary>
    public List<SimMigInstanceOptions> Mig { get; init; } = [];

    /// <summary>vGPU scheduler and instances (vGPU mode only).</summary>
    public SimVgpuOptions? Vgpu { get; init; }

    /// <summary>Workloads on the whole device (time-sliced, MPS and exclusive modes).</summary>
    public List<SimWorkloadOptions> Workloads { get; init; } = [];

    /// <summary>XID errors to raise at given times.</summary>
    public List<SimXidOptions> Xids { get; init; } = [];

    /// <summary>
    /// When the GPU's driver stops answering: from then on every read of this GPU blocks, as an NVML call does
    /// on a GPU wedged in the driver. It lets tests prove that a stuck collection loop stops the systemd watchdog.
    /// </summary>
    public TimeSpan? HangAt { get; init; }

    /// <summary>Resolved model; null when the key is unknown (reported by validation).</summary>
    public GpuModel? ResolvedModel => GpuModels.Find(Model);

    internal IEnumerable<(SimWorkloadOptions Workload, string Path)> AllWorkloads(string path)
    {
        foreach (var (w, j) in Workloads.Select((w, j) => (w, j)))
        {
            yield return (w, $"{path}.workloads[{j}]");
        }

        foreach (var (m, j) in Mig.Select((m, j) => (m, j)))
        {
            foreach (var (w, k) in m.Workloads.Select((w, k) => (w, k)))
            {
                yield return (w, $"{path}.mig[{j}].workloads[{k}]");
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var model = ResolvedModel;
        if (model is null)
        {
            yield return new ValidationResult($"unknown GPU model '{Model}' (known: {string.Join(", ", GpuModels.All.Select(m => m.Key))})", [nameof(Model)]);
            yield break;
        }

        switch (Mode)
        {
            case SharingMode.Mig:
                if (!model.SupportsMig)
                {
                    yield return new ValidationResult($"{model.Key} does not support MIG", [nameof(Mode)]);
                    yield break;
                }

                if (Mig.Count == 0)
                {
                    yield return new ValidationResult("a GPU in MIG mode needs at least one instance", [nameof(Mig)]);
                }

                var (_, errors) = MigGeometry.Place(model, Mig.Select(m => (m.Profile, m.Start)).ToList());
                foreach (var e in errors)
                {
                    // MigGeometry names the instance as "[i]: ..."; turn that into the path "mig[i]".
                    var close = e.IndexOf(']', StringComparison.Ordinal);
                    yield return close > 0 && e.StartsWith('[')
                        ? new ValidationResult(e[(close + 3)..], ["mig" + e[..(close + 1)] + ".profile"])
                        : new ValidationResult(e, [nameof(Mig)]);
                }

                if (Workloads.Count > 0)
                {
                    yield return new ValidationResult("on a MIG GPU, workloads belong to an instance (mig[i].workloads)", [nameof(Workloads)]);
                }

                break;
            case SharingMode.Vgpu:
                if (Vgpu is null || Vgpu.Instances.Count == 0)
                {
                    yield return new ValidationResult("a GPU in vGPU mode needs vgpu.instances", [nameof(Vgpu)]);
                }
                else if (Vgpu.Instances.Sum(i => i.Framebuffer) > model.MemoryBytes)
                {
                    yield return new ValidationResult($"the vGPU framebuffers add up to more than the GPU's {model.MemoryBytes >> 30} GiB", ["vgpu.instances"]);
                }

                break;
            case SharingMode.Mps when MpsServerPid <= 0:
                yield return new ValidationResult("a GPU in MPS mode needs mpsServerPid (NVML charges client work to the MPS server)", [nameof(MpsServerPid)]);
                break;
            case SharingMode.Exclusive when Workloads.Count > 1:
                yield return new ValidationResult("an exclusive GPU runs one workload", [nameof(Workloads)]);
                break;
            default:
                break;
        }

        if (Mode != SharingMode.Mig && Mig.Count > 0)
        {
            yield return new ValidationResult($"mig instances are only allowed in mode mig, not {Mode.Label()}", [nameof(Mig)]);
        }

        if (Mode != SharingMode.Vgpu && Vgpu is not null)
        {
            yield return new ValidationResult($"vgpu is only allowed in mode vgpu, not {Mode.Label()}", [nameof(Vgpu)]);
        }
    }
}

/// <summary>A MIG GPU instance (with one full-size compute instance).</summary>
public sealed class SimMigInstanceOptions
{
    /// <summary>Profile name, e.g. <c>3g.40gb</c>.</summary>
    [Required]
    public string Profile { get; init; } = "";

    /// <summary>Memory slice to place it at; the first free allowed start when absent.</summary>
    public int? Start { get; init; }

    /// <summary>Workloads inside the instance.</summary>
    public List<SimWorkloadOptions> Workloads { get; init; } = [];

    /// <summary>When the instance exists; always when absent. A recreated instance gets a new MIG UUID, as on a real GPU.</summary>
    public SimLifetimeOptions? Lifetime { get; init; }
}

/// <summary>A window of simulated time in which something exists, optionally repeating.</summary>
public sealed class SimLifetimeOptions : IValidatableObject
{
    /// <summary>When it first appears.</summary>
    public TimeSpan From { get; init; }

    /// <summary>When it goes away; never when absent.</summary>
    public TimeSpan? Until { get; init; }

    /// <summary>Repeats the window with this period.</summary>
    public TimeSpan? Every { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Until is { } until && until <= From)
        {
            yield return new ValidationResult("until must be after from", [nameof(Until)]);
        }

        if (Every is { } every && (every <= TimeSpan.Zero || (Until is { } u && every < u - From)))
        {
            yield return new ValidationResult("every must be positive and at least as long as the window", [nameof(Every)]);
        }
    }
}

/// <summary>vGPU scheduler settings and instances of one GPU.</summary>
public sealed class SimVgpuOptions
{
    /// <summary>Scheduler policy.</summary>
    public VgpuSchedulerPolicy Scheduler { get; init; } = VgpuSchedulerPolicy.BestEffort;

    /// <summary>Scheduler time slice; NVML's default when zero.</summary>
    public TimeSpan Timeslice { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>The vGPU instances (one per VM).</summary>
    public List<SimVgpuInstanceOptions> Instances { get; init; } = [];
}

/// <summary>One vGPU instance, i.e. one VM.</summary>
public sealed class SimVgpuInstanceOptions
{
    /// <summary>VM identifier (NVML's VM ID).</summary>
    [Required]
    public string Vm { get; init; } = "";

    /// <summary>vGPU type name, e.g. <c>A100-10C</c>.</summary>
    [Required]
    public string Type { get; init; } = "";

    /// <summary>Framebuffer given to the VM.</summary>
    [ByteSize]
    [Range(1L, long.MaxValue, ErrorMessage = "framebuffer must be positive")]
    public long Framebuffer { get; init; }

    /// <summary>The VM's demand for the GPU.</summary>
    [Required]
    public DemandOptions Demand { get; init; } = new();

    /// <summary>Fraction of the framebuffer the VM uses.</summary>
    [Range(0.0, 1.0)]
    public double FramebufferUsed { get; init; } = 0.5;

    /// <summary>Encoder utilization as a fraction of the VM's compute utilization.</summary>
    [Range(0.0, 1.0)]
    public double EncoderRatio { get; init; }
}

/// <summary>A simulated process.</summary>
public sealed class SimWorkloadOptions
{
    /// <summary>Workload name; seeds its randomness.</summary>
    [Required]
    public string Name { get; init; } = "";

    /// <summary>Process ID it appears with.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "pid must be positive")]
    public int Pid { get; init; }

    /// <summary>Process name (<c>comm</c>); defaults to <c>python3</c>.</summary>
    public string Process { get; init; } = "python3";

    /// <summary>Unix user the process runs as.</summary>
    public string? User { get; init; }

    /// <summary>cgroup path the process sits in (as in <c>/proc/PID/cgroup</c>), for attribution.</summary>
    public string? Cgroup { get; init; }

    /// <summary>Device memory the process holds.</summary>
    [ByteSize]
    public long Memory { get; init; }

    /// <summary>How much the workload wants the GPU over time.</summary>
    [Required]
    public DemandOptions Demand { get; init; } = new();

    /// <summary>Memory-bandwidth use per unit of SM use.</summary>
    [Range(0.0, 1.0)]
    public double MemoryIntensity { get; init; } = 0.4;

    /// <summary>Scheduling weight on a time-sliced GPU.</summary>
    [Range(0.01, 100.0)]
    public double Weight { get; init; } = 1;

    /// <summary>When the process starts, from the start of the simulation.</summary>
    public TimeSpan Start { get; init; }

    /// <summary>When the process exits; never when absent.</summary>
    public TimeSpan? Stop { get; init; }

    /// <summary>Repeats the start/stop cycle with this period (a job that is resubmitted).</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>
    /// A service: requests that queue for the share the workload gets, and their latency histogram served on a
    /// loopback port of its own (<c>http://NAME.sim.localhost/metrics</c>). None when absent.
    /// </summary>
    public SimLatencyOptions? Latency { get; init; }
}

/// <summary>An XID error the simulated GPU raises.</summary>
public sealed class SimXidOptions
{
    /// <summary>When, from the start of the simulation.</summary>
    public TimeSpan At { get; init; }

    /// <summary>XID code, e.g. 79 (fallen off the bus) or 48 (double-bit ECC).</summary>
    [Range(1, 1000)]
    public int Xid { get; init; }
}
