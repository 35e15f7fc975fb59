using System.Diagnostics;
using System.Globalization;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// How the coordinator starts a probe worker: the same executable it runs as (<c>gpuqos</c>, or
/// <c>dotnet gpuqos.dll</c> when it runs under the <c>dotnet</c> host), with the <c>probe-worker</c> verb.
/// A worker started by root runs as <see cref="User"/>: the kernel clears every capability when a process
/// changes from UID 0 to another, so it has none of the daemon's (SYS_ADMIN, KILL, SYS_NICE). It gets a
/// minimal environment, never the daemon's: only <c>PATH</c>, what the runtime and CUDA need, and its own settings.
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="PrefixArguments">Arguments before the verb (the entry assembly, under <c>dotnet</c>).</param>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The verb that runs a worker.</summary>
    public const string Verb = "probe-worker";

    /// <summary>A fixed search path: the daemon's own PATH is not passed on.</summary>
    public const string WorkerPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Passed through when the daemon has them: where the .NET runtime and the CUDA driver's libraries are.
    private static readonly string[] PassedThrough = ["DOTNET_ROOT", "LD_LIBRARY_PATH"];

    /// <summary>The user workers run as when this process is root; null: as this process's user.</summary>
    public string? User { get; init; }

    /// <summary>
    /// The nice value the coordinator gives a worker's threads once it has started (0: left at its own). The
    /// worker cannot raise its priority itself: it has no capabilities.
    /// </summary>
    public int Nice { get; init; }

    /// <summary>This launch with workers run as <paramref name="user"/> (when this process is root).</summary>
    public WorkerLaunch AsUser(string? user) => this with { User = user };

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
        if (User is not null && PosixBinding.IsRoot)
        {
            // .NET sets the user's UID, primary GID and groups (from the user database) in the child before exec.
            psi.UserName = User;
        }

        var inherited = psi.Environment.Where(e => e.Value is not null && (PassedThrough.Contains(e.Key, StringComparer.Ordinal) || e.Key.StartsWith("CUDA_", StringComparison.Ordinal))).ToList();
        psi.Environment.Clear();
        foreach (var (key, value) in inherited)
        {
            psi.Environment[key] = value;
        }

        psi.Environment["PATH"] = WorkerPath;

        // A single-file gpuqos extracts its native parts under TMPDIR/.net/USER: the worker's own copy, since
        // the daemon's extraction directory is private to root.
        psi.Environment["TMPDIR"] = "/tmp";
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
