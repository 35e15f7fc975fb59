using System.Diagnostics;
using System.Globalization;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// How the coordinator starts a probe worker: the <c>gpuqos-probe</c> executable beside <c>gpuqos</c> (or
/// <c>dotnet gpuqos-probe.dll</c> when the coordinator itself runs under the <c>dotnet</c> host), or the one
/// <c>audit.workerPath</c> names. The worker is an executable of its own because it carries ILGPU, which
/// generates code at run time, and <c>gpuqos</c> references nothing of it.
/// A worker started by root runs as <see cref="User"/>: the kernel clears every capability when a process
/// changes from UID 0 to another, so it has none of the daemon's (SYS_ADMIN, KILL, SYS_NICE). It gets a
/// minimal environment, never the daemon's: only <c>PATH</c>, what the runtime and CUDA need, and its own settings.
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="PrefixArguments">Arguments before the worker's own (the worker's assembly, under <c>dotnet</c>).</param>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>The worker executable's name (its assembly is <c>gpuqos-probe.dll</c>).</summary>
    public const string ExecutableName = "gpuqos-probe";

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

    /// <summary>
    /// The worker <paramref name="configuredPath"/> names (<c>audit.workerPath</c>), or by default the one beside
    /// this executable (<see cref="AppContext.BaseDirectory"/>). A configured <c>.dll</c> runs through the dotnet host.
    /// </summary>
    public static WorkerLaunch Resolve(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return configuredPath.EndsWith(".dll", StringComparison.Ordinal) ? Dll(configuredPath) : new WorkerLaunch(configuredPath, []);
        }

        return Beside(AppContext.BaseDirectory);
    }

    /// <summary>
    /// The worker in <paramref name="directory"/>: <c>dotnet gpuqos-probe.dll</c> when this process runs under the
    /// dotnet host and the assembly is there (a build output, where the apphost may not find a runtime), else the
    /// <c>gpuqos-probe</c> executable (a published install).
    /// </summary>
    public static WorkerLaunch Beside(string directory)
    {
        var dll = Path.Combine(directory, ExecutableName + ".dll");
        return RunsUnderDotnet() && File.Exists(dll) ? Dll(dll) : new WorkerLaunch(Path.Combine(directory, ExecutableName), []);
    }

    /// <summary>A gpuqos-probe.dll run through the dotnet host (tests, development).</summary>
    public static WorkerLaunch Dll(string workerDll) => new(DotnetHost(), [workerDll]);

    /// <summary>
    /// Why this launch cannot start a worker (<c>'PATH' does not exist</c>, is a directory, is not executable), or
    /// null when the file is there and executable (or, for an assembly run through the dotnet host, there).
    /// </summary>
    public string? Problem()
    {
        var target = PrefixArguments.Count > 0 ? PrefixArguments[0] : FileName;
        if (Directory.Exists(target))
        {
            return $"'{target}' is a directory, not the {ExecutableName} executable";
        }

        if (!File.Exists(target))
        {
            return $"'{target}' does not exist";
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return PrefixArguments.Count == 0 && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(target) & AnyExecute) == 0
            ? $"'{target}' is not executable"
            : null;
    }

    /// <summary>
    /// Why the worker that <paramref name="configuredPath"/> (<c>audit.workerPath</c>) or the default resolves to
    /// cannot be started, naming the setting to change; null when it can.
    /// </summary>
    public static string? Unusable(string? configuredPath) => Resolve(configuredPath).Problem() is not { } problem
        ? null
        : string.IsNullOrWhiteSpace(configuredPath)
            ? $"the probe worker {ExecutableName} is not installed beside gpuqos: {problem}; install it there or set audit.workerPath"
            : $"audit.workerPath: {problem}";

    /// <summary>The start info for a worker bound to <paramref name="partition"/>.</summary>
    public ProcessStartInfo StartInfo(AuditPartition partition, bool limitMemory)
    {
        var psi = new ProcessStartInfo(FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // Not the coordinator's directory, which the worker's user may not enter (gpuqos audit run from a
            // private directory): ILGPU's context then failed to start and every worker died at hello.
            WorkingDirectory = "/",
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

        // A single-file gpuqos-probe extracts its native parts under TMPDIR/.net/USER: a copy of the worker's user,
        // since one extracted by root would be private to root.
        psi.Environment["TMPDIR"] = "/tmp";
        foreach (var a in PrefixArguments)
        {
            psi.ArgumentList.Add(a);
        }

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

            // W^X maps a writable view of code each time the JIT writes some; under the address-space limit that
            // mapping can be refused, which the runtime treats as fatal. The worker runs only this project's code.
            psi.Environment["DOTNET_EnableWriteXorExecute"] = "0";
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

    private static bool RunsUnderDotnet() =>
        Environment.ProcessPath is { } current && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.Ordinal);

    private static string DotnetHost() =>
        RunsUnderDotnet() ? Environment.ProcessPath! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
