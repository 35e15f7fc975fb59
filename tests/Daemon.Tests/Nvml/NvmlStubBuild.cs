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
