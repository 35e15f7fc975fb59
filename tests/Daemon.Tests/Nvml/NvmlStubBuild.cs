using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>Builds the NVML stand-in once for the end-to-end tests (<c>make -C tests/NvmlStub</c> is idempotent).</summary>
public sealed class NvmlStubBuild : IDisposable
{
    public NvmlStubBuild()
    {
        using var make = Process.Start(new ProcessStartInfo("make", ["-s", "-C", RepoPaths.Combine("tests", "NvmlStub")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("cannot run make");
        var stderr = make.StandardError.ReadToEnd();
        make.WaitForExit();
        if (make.ExitCode != 0)
        {
            throw new InvalidOperationException($"make -C tests/NvmlStub failed ({make.ExitCode}): {stderr}");
        }

        WorkDir = Directory.CreateTempSubdirectory("gpuqos-nvml-e2e-").FullName;
    }

    public static string LibraryDirectory => RepoPaths.Combine("tests", "NvmlStub", "build");
    public static string DemoFixture => RepoPaths.Combine("tests", "NvmlStub", "fixtures", "demo.fixture");

    /// <summary>A scratch directory for fixtures, removed at the end.</summary>
    public string WorkDir { get; }

    /// <summary>The environment that runs the daemon over the stand-in, as docs/nvml.md documents it.</summary>
    public static Dictionary<string, string> Environment(string fixture) => new()
    {
        ["LD_LIBRARY_PATH"] = LibraryDirectory,
        ["GPUQOS_NVML_STUB_FIXTURE"] = fixture,
    };

    /// <summary>
    /// An empty procfs root (<c>--procfs-root</c>) for a daemon over a fixture whose PIDs are made up. The NVML
    /// backend reads names and cgroups from /proc first, as it must on a real host, so a made-up PID that
    /// happens to be a live process on this machine (PIDs wrap at 32768 here) would take that process's name.
    /// </summary>
    public string EmptyProcfs() => Directory.CreateDirectory(Path.Combine(WorkDir, "proc-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Fixture(params string[] lines)
    {
        var path = Path.Combine(WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
        File.WriteAllLines(path, lines);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
