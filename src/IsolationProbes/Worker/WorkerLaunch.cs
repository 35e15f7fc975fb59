using System.Diagnostics;
using System.Globalization;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// How the coordinator starts a probe worker: the same executable it runs as (<c>gpuqos</c>, or
/// <c>dotnet gpuqos.dll</c> when it runs under the <c>dotnet</c> host), with the <c>probe-worker</c> verb.
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="PrefixArguments">Arguments before the verb (the entry assembly, under <c>dotnet</c>).</param>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The verb that runs a worker.</summary>
    public const string Verb = "probe-worker";

    /// <summary>The current process: <see cref="Environment.ProcessPath"/>, or <c>dotnet ENTRY.dll</c> under the dotnet host.</summary>
    public static WorkerLaunch Current()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable this process runs as");
        var host = Path.GetFileNameWithoutExtension(path);
        if (string.Equals(host, "dotnet", StringComparison.Ordinal))
        {
            var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
            if (string.IsNullOrEmpty(entry))
            {
                throw new InvalidOperationException("running under dotnet, but the entry assembly has no path");
            }

            return new WorkerLaunch(path, [entry]);
        }

        return new WorkerLaunch(path, []);
    }

    /// <summary>A gpuqos.dll run through the dotnet host (tests).</summary>
    public static WorkerLaunch Dll(string gpuqosDll) => new(DotnetHost(), [gpuqosDll]);

    /// <summary>The start info for a worker bound to <paramref name="partition"/>.</summary>
    public ProcessStartInfo StartInfo(AuditPartition partition, bool limitMemory)
    {
        var psi = new ProcessStartInfo(FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in PrefixArguments)
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add(Verb);
        psi.ArgumentList.Add("--accelerator");
        psi.ArgumentList.Add(partition.Accelerator == AcceleratorChoice.Cuda ? "cuda" : "cpu");
        if (partition.Cores.Count > 0)
        {
            psi.ArgumentList.Add("--cores");
            psi.ArgumentList.Add(string.Join(',', partition.Cores));
        }

        if (limitMemory && partition.Accelerator == AcceleratorChoice.Cpu && partition.MemoryBytes > 0)
        {
            psi.ArgumentList.Add("--memory-limit");
            psi.ArgumentList.Add(partition.MemoryBytes.ToString(CultureInfo.InvariantCulture));
        }

        if (partition.Accelerator == AcceleratorChoice.Cpu)
        {
            // One malloc arena: otherwise a failed mmap falls back to arenas whose 64 MiB are reserved (and
            // counted in RLIMIT_AS) up front, and the capacity probe would find the limit plus that slack.
            psi.Environment["MALLOC_ARENA_MAX"] = "1";
        }

        if (partition.CudaDevice is not null)
        {
            psi.Environment["CUDA_VISIBLE_DEVICES"] = partition.CudaDevice;
        }

        // Workers are short-lived and latency-sensitive: no tiered-compilation pauses in the middle of a timing.
        psi.Environment["DOTNET_TieredPGO"] = "0";
        psi.Environment["DOTNET_gcServer"] = "0";
        return psi;
    }

    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        return current is not null && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.Ordinal)
            ? current
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }
}
