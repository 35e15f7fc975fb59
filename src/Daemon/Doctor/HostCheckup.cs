using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Configuration;
using GpuQos.Enforcer.Policies;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Doctor;

/// <summary>What to check: the configuration (what it asks of the host), the procfs root, and whether to start a probe worker.</summary>
/// <param name="Options">The configuration.</param>
/// <param name="ProcfsRoot">Where procfs is mounted (<c>--procfs-root</c>).</param>
/// <param name="Probe">Run the probe preflight (starts one short-lived worker per device).</param>
/// <param name="Errors">Where the daemon counts backend errors (<c>gpuqos_nvml_errors_total</c>); null for the CLI.</param>
public sealed record CheckupRequest(GpuQosOptions Options, string ProcfsRoot, bool Probe, BackendErrorCounter? Errors = null);

/// <summary>
/// <c>gpuqos doctor</c>: checks the host for what the configuration asks of it, changing nothing. Per GPU the
/// versions, the sharing mode, every reading (called once) and every control the policies could use (privilege
/// and current value); per host the PID namespace, process privileges, cgroups, the kubelet socket, the journal
/// directory and the probe preflight.
/// </summary>
public static class HostCheckup
{
    // The probe preflight's checks, and the one that says the worker executable is missing, share a feature.
    private const string ProbeFeature = "probe";

    private static readonly HashSet<string> ProcessActions = new(StringComparer.Ordinal)
    {
        KnownPolicyTypes.Actions.Throttle, KnownPolicyTypes.Actions.Priority, KnownPolicyTypes.Actions.Freeze,
    };

    /// <summary>Runs every check once.</summary>
    public static async Task<DoctorReport> RunAsync(CheckupRequest request, IGpuBackend backend, IAcceleratorPreflight? preflight, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        var options = request.Options;
        var simulated = backend.Name == "sim";
        var diagnostics = backend as IBackendDiagnostics;
        var privileges = HostPrivileges.Read(request.ProcfsRoot);
        var wanted = Wanted(options, backend.Gpus.Count);
        var versions = diagnostics?.Versions();
        var checks = new List<DoctorCheck>();
        var gpus = new List<DoctorGpu>();
        var pids = new HashSet<int>();
        foreach (var gpu in backend.Gpus)
        {
            var readings = GpuReadings.Take(backend, gpu.Index, request.Errors);
            checks.AddRange(readings.Checks);
            pids.UnionWith(readings.Processes.Select(p => p.Pid));
            var capability = diagnostics?.ComputeCapability(gpu.Index) is { } cc
                ? cc.Value ?? $"unknown ({cc.Result})"
                : GpuModels.Find(gpu.Name) is not null ? "simulated" : "unknown";
            gpus.Add(new DoctorGpu(gpu.Index, gpu.Name, gpu.Uuid, readings.Device?.Mode.Label() ?? "unknown", capability));
            var here = wanted.Where(w => w.Key.Gpu == gpu.Index && !ProcessActions.Contains(w.Key.Action)).ToDictionary(w => w.Key.Action, w => w.Value, StringComparer.Ordinal);
            if (readings.Device?.Mode is SharingMode.Vgpu)
            {
                // No policy may change the vGPU scheduler (NVML takes a change only while no VM runs), so the operator
                // sets it while the GPU is idle: say which one is in force and what this GPU accepts, required by nothing.
                here.TryAdd(KnownPolicyTypes.Actions.VgpuScheduler, false);
            }

            checks.AddRange(ControlChecks.ForGpu(backend, gpu.Index, here, privileges, readings.Device, simulated, options.Enforcement.Mps));
        }

        var processActions = wanted.Where(w => ProcessActions.Contains(w.Key.Action))
            .GroupBy(w => w.Key.Action, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Any(w => w.Value), StringComparer.Ordinal);
        checks.Add(HostChecks.PidNamespace(request.ProcfsRoot, pids, processActions.Values.Any(v => v), simulated));

        foreach (var action in new[] { KnownPolicyTypes.Actions.Throttle, KnownPolicyTypes.Actions.Priority }.Where(processActions.ContainsKey))
        {
            checks.Add(HostChecks.ProcessPrivilege(action, privileges, processActions[action], simulated));
        }

        checks.Add(HostChecks.Cgroups(options.Enforcement.CgroupRoot, processActions.GetValueOrDefault(KnownPolicyTypes.Actions.Freeze), simulated));
        if (options.Attribution.Enabled)
        {
            checks.Add(HostChecks.Kubelet(options.Attribution.PodResourcesSocket));
        }

        checks.Add(HostChecks.Journal(options.Enforcement, options.Policies.Count > 0, simulated));
        if (request.Probe)
        {
            checks.AddRange(preflight is null && WorkerLaunch.Unusable(options.Audit.WorkerPath) is { } unusable
                ? [new DoctorCheck(null, ProbeFeature, DoctorStatus.Failed, "missing", options.Audit.Enabled, unusable)]
                : await ProbeAsync(options.Audit, backend, preflight ?? new WorkerPreflight(WorkerLaunch.Resolve(options.Audit.WorkerPath), options.Audit.WorkerTimeout), simulated, ct));
        }

        return new DoctorReport
        {
            Backend = backend.Name,
            Simulated = simulated,
            DriverVersion = Version(versions?.Driver, simulated),
            NvmlVersion = Version(versions?.Library, simulated),
            CudaDriverVersion = Version(versions?.CudaDriver, simulated),
            Gpus = gpus,
            Checks = [.. checks.OrderBy(c => c.Gpu ?? int.MaxValue)],
        };
    }

    /// <summary>
    /// The actions the policies could take, per GPU, and whether any policy in enforce mode takes them (a
    /// dry-run policy only plans, so what it would need is reported but not required).
    /// </summary>
    internal static Dictionary<(int Gpu, string Action), bool> Wanted(GpuQosOptions options, int gpuCount)
    {
        var wanted = new Dictionary<(int, string), bool>();
        foreach (var policy in options.Policies)
        {
            var enforce = (policy.Mode ?? options.Enforcement.Mode) == EnforcementMode.Enforce;
            var gpus = policy.Gpus.Count > 0 ? policy.Gpus.Where(g => g >= 0 && g < gpuCount) : Enumerable.Range(0, gpuCount);
            foreach (var gpu in gpus)
            {
                foreach (var action in policy.Actions)
                {
                    wanted[(gpu, action.Type)] = wanted.GetValueOrDefault((gpu, action.Type)) || enforce;
                }
            }
        }

        return wanted;
    }

    private static async Task<List<DoctorCheck>> ProbeAsync(AuditOptions audit, IGpuBackend backend, IAcceleratorPreflight preflight, bool simulated, CancellationToken ct)
    {
        var cuda = audit.Accelerator switch
        {
            AcceleratorChoice.Cuda => true,
            AcceleratorChoice.Auto => !simulated && CudaDriver.Loads,
            _ => false,
        };
        var partitions = cuda
            ? backend.Gpus.Select(g => new AuditPartition($"gpu{g.Index}", g.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), "", "", AcceleratorChoice.Cuda, [], g.Uuid, 0)).ToList()
            : [new AuditPartition("cpu", "cpu", "", "cpu-cores", AcceleratorChoice.Cpu, [], null, 0)];
        var checks = new List<DoctorCheck>();
        foreach (var partition in partitions)
        {
            var readiness = await preflight.CheckAsync(partition, ct);
            int? gpu = cuda ? int.Parse(partition.Gpu, System.Globalization.CultureInfo.InvariantCulture) : null;
            var where = $"{readiness.DeviceLabel}, ILGPU {readiness.Ilgpu}";
            checks.Add(new DoctorCheck(gpu, ProbeFeature, readiness.Ready ? DoctorStatus.Ok : DoctorStatus.Failed, readiness.Ready ? "ok" : "not-ready", audit.Enabled, $"{where}: {readiness.Detail}"));
        }

        return checks;
    }

    private static string Version(DiagnosticValue? value, bool simulated) => value switch
    {
        null => simulated ? "simulated" : "unknown",
        { Value: { } v } => v,
        _ => $"unknown ({value.Result})",
    };
}
