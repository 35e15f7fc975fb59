using GpuQos.Collectors.Collection;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Doctor;

/// <summary>
/// Every reading the daemon takes from a GPU, taken once through the backend's own reads (device, health,
/// partitions, processes), each read and each NVML function it made reported with the code it returned (list
/// calls that succeeded are covered by their read). The backend asks an
/// unavailable function only once, so a read that stopped at a NO_PERMISSION is repeated to reach the calls
/// after it without asking that one again.
/// </summary>
internal sealed class GpuReadings
{
    private static readonly (string Name, Action<IGpuBackend, int> Read)[] Reads =
    [
        ("device", (b, g) => b.ReadDevice(g)),
        ("health", (b, g) => b.ReadHealth(g)),
        ("partitions", (b, g) => b.ReadPartitions(g)),
        ("processes", (b, g) => b.ReadProcesses(g)),
    ];

    /// <summary>The device reading, when it could be taken.</summary>
    public DeviceReading? Device { get; private set; }

    /// <summary>The processes on the GPU, when they could be read.</summary>
    public IReadOnlyList<ProcessReading> Processes { get; private set; } = [];

    /// <summary>One check per NVML function (or per backend read on the simulated host).</summary>
    public List<DoctorCheck> Checks { get; } = [];

    /// <summary>Takes every reading of <paramref name="gpu"/> once; errors are counted in <paramref name="errors"/> as the collection loop counts its own.</summary>
    public static GpuReadings Take(IGpuBackend backend, int gpu, BackendErrorCounter? errors)
    {
        var result = new GpuReadings();
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        var reads = new List<DoctorCheck>();
        var diagnostics = backend as IBackendDiagnostics;
        foreach (var (name, read) in Reads)
        {
            var asked = new HashSet<string>(StringComparer.Ordinal);
            string? error = null;
            for (var attempt = 0; attempt < 64; attempt++)
            {
                try
                {
                    switch (name)
                    {
                        case "device":
                            result.Device = backend.ReadDevice(gpu);
                            break;
                        case "processes":
                            result.Processes = backend.ReadProcesses(gpu);
                            break;
                        default:
                            read(backend, gpu);
                            break;
                    }

                    error = null;
                    break;
                }
                catch (GpuBackendException ex)
                {
                    // NVML raises NO_PERMISSION once and then skips the call: counted here, or never.
                    errors?.Count(ex.Function, ex.Code);
                    failed[ex.Function] = ex.Code;
                    error = ex.Code;

                    // A code the backend raises every time (not remembered as unavailable), or a lost GPU: stop.
                    if (!asked.Add(ex.Function) || ex.GpuLost)
                    {
                        break;
                    }
                }
            }

            var by = diagnostics is null ? "the simulated host" : "the backend";
            reads.Add(new DoctorCheck(gpu, "read-" + name, error is null ? DoctorStatus.Ok : DoctorStatus.Failed, error ?? "ok", true,
                error is null ? $"the {name} reading, taken by {by}" : $"the {name} reading failed in {by}: {error}"));
        }

        result.Checks.AddRange(reads);
        if (diagnostics is not null)
        {
            var results = diagnostics.CallResults(gpu).ToDictionary(r => r.Function, r => r.Result, StringComparer.Ordinal);
            foreach (var (function, code) in failed)
            {
                results[function] = code;
            }

            foreach (var (function, code) in results.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                result.Checks.Add(Check(gpu, function, code));
            }
        }
        return result;
    }

    private static DoctorCheck Check(int gpu, string function, string code) => code switch
    {
        "SUCCESS" => new(gpu, function, DoctorStatus.Ok, "ok", true, "read once"),

        // The daemon omits what a GPU does not support (utilization in MIG mode, ECC on consumer boards).
        "NOT_SUPPORTED" => new(gpu, function, DoctorStatus.Warning, code, true, "not supported on this GPU in its mode; the series it feeds is left out"),
        "NO_PERMISSION" => new(gpu, function, DoctorStatus.Failed, code, true, "the driver refuses this reading to this user; run as root or ask the administrator"),
        _ => new(gpu, function, DoctorStatus.Failed, code, true, $"NVML returned {code}"),
    };
}
