using GpuQos.IsolationProbes.Kernels;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>Turns the configuration and the host's partitions into an <see cref="AuditPlan"/>.</summary>
public static class AuditPlanner
{
    /// <summary>
    /// Plans an audit. On the CPU accelerator, partitions are sets of cores; on CUDA, the backend's MIG
    /// instances and GPUs. <see cref="AcceleratorChoice.Auto"/> picks CUDA only when the driver loads and the
    /// backend is real hardware, and says so in the notes when it falls back to the CPU.
    /// </summary>
    /// <exception cref="AuditPlanException">The configuration asks for something this host cannot do.</exception>
    public static AuditPlan Plan(AuditOptions options, IGpuBackend backend, AcceleratorChoice accelerator, IReadOnlyList<int>? availableCores = null)
    {
        var notes = new List<string>();
        var cudaDriver = CudaDriver.Loads;
        var useCuda = accelerator switch
        {
            AcceleratorChoice.Cuda when !cudaDriver => throw new AuditPlanException(CudaDriver.MissingMessage() + "; use --accelerator cpu"),
            AcceleratorChoice.Cuda => true,
            AcceleratorChoice.Auto => cudaDriver && backend.Name != "sim",
            _ => false,
        };
        if (accelerator == AcceleratorChoice.Auto && !useCuda)
        {
            notes.Add(cudaDriver
                ? "the simulated backend has no real GPU to run kernels on, so the probes ran on ILGPU's CPU accelerator; their timings say nothing about a GPU"
                : CudaDriver.MissingMessage() + "; the probes ran on the CPU accelerator and their timings say nothing about a GPU");
        }

        var partitions = useCuda ? GpuPartitions(backend) : CpuPartitions(options, availableCores ?? AvailableCores());
        if (partitions.Count == 0)
        {
            throw new AuditPlanException("no partitions to probe");
        }

        var pairs = Pairs(options, partitions, useCuda);
        if (pairs.Count == 0 && options.Probes.Any(p => p != ProbeKind.Capacity))
        {
            notes.Add("fewer than two partitions share a device, so only single-partition probes ran");
        }

        return new AuditPlan(backend.Name, useCuda ? "cuda" : "cpu", partitions, pairs, options, useCuda ? ProbeSizes.Cuda : ProbeSizes.Cpu, notes);
    }

    /// <summary>Cores this process may run on (0..ProcessorCount-1).</summary>
    public static IReadOnlyList<int> AvailableCores() => [.. Enumerable.Range(0, Environment.ProcessorCount)];

    private static List<AuditPartition> CpuPartitions(AuditOptions options, IReadOnlyList<int> cores)
    {
        if (options.CpuPartitions.Count > 0)
        {
            return [.. options.CpuPartitions.Select(p => new AuditPartition(
                p.Name, "cpu", p.Tenant ?? p.Name, "cpu-cores", AcceleratorChoice.Cpu, p.Cores, null, p.MemoryLimit))];
        }

        return [.. cores.Take(4).Select(c => new AuditPartition(
            $"cpu{c}", "cpu", $"cpu{c}", "cpu-cores", AcceleratorChoice.Cpu, [c], null, AuditOptionsDefaults.CpuPartitionMemoryBytes))];
    }

    private static List<AuditPartition> GpuPartitions(IGpuBackend backend)
    {
        var list = new List<AuditPartition>();
        foreach (var gpu in backend.Gpus)
        {
            var mode = backend.ReadDevice(gpu.Index).Mode.Label();
            foreach (var p in backend.ReadPartitions(gpu.Index))
            {
                list.Add(new AuditPartition(
                    $"gpu{gpu.Index}/{p.Id}", gpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), "", mode,
                    AcceleratorChoice.Cuda, [], p.Uuid ?? gpu.Uuid, p.MemoryTotalBytes ?? 0));
            }
        }

        return list;
    }

    private static List<(AuditPartition, AuditPartition)> Pairs(AuditOptions options, List<AuditPartition> partitions, bool cuda)
    {
        if (options.Pairs.Count > 0)
        {
            var pairs = new List<(AuditPartition, AuditPartition)>();
            for (var i = 0; i < options.Pairs.Count; i++)
            {
                var victim = Find(partitions, options.Pairs[i].Victim, $"pairs[{i}].victim");
                var aggressor = Find(partitions, options.Pairs[i].Aggressor, $"pairs[{i}].aggressor");
                pairs.Add((victim, aggressor));
            }

            return pairs;
        }

        var all = new List<(AuditPartition, AuditPartition)>();
        foreach (var v in partitions)
        {
            foreach (var a in partitions.Where(a => a.Gpu == v.Gpu))
            {
                // A shared GPU has one partition that several tenants use: pair it with itself.
                var shared = cuda && a == v && partitions.Count(p => p.Gpu == v.Gpu) == 1 && v.Mode is "time-sliced" or "mps";
                if (a != v || shared)
                {
                    all.Add((v, a));
                }
            }
        }

        return all;
    }

    private static AuditPartition Find(List<AuditPartition> partitions, string name, string path) =>
        partitions.FirstOrDefault(p => p.Name == name) ?? partitions.FirstOrDefault(p => p.Tenant == name)
        ?? throw new AuditPlanException($"audit.{path}: '{name}' is neither a partition nor a tenant on this host (partitions: {string.Join(", ", partitions.Select(p => p.Name))})");
}
