using System.Diagnostics;
using System.Runtime.InteropServices;
using GpuQos.Backends.Nvml;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>
/// Builds the NVML stand-in once (<c>make -C tests/NvmlStub</c>, idempotent) and points the NVML backend at it.
/// The stand-in is process-wide native state, so every test that opens it belongs to <see cref="NvmlStubCollection"/>
/// and runs alone. Its environment is set with libc's <c>setenv</c>: .NET keeps its own copy of the environment
/// on Unix, which native code never sees.
/// </summary>
public sealed partial class NvmlStubHost : IDisposable
{
    public NvmlStubHost()
    {
        Root = FindRoot();
        var make = Process.Start(new ProcessStartInfo("make", ["-s", "-C", Path.Combine(Root, "tests", "NvmlStub")])
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

        Environment.SetEnvironmentVariable(NvmlLibrary.PathVariable, LibraryPath);
        WorkDir = Directory.CreateTempSubdirectory("gpuqos-nvml-").FullName;
        ProcRoot = Directory.CreateDirectory(Path.Combine(WorkDir, "proc")).FullName;
    }

    public string Root { get; }
    public string LibraryPath => Path.Combine(Root, "tests", "NvmlStub", "build", "libnvidia-ml.so.1");
    public string LayoutPath => Path.Combine(Root, "tests", "NvmlStub", "build", "layout.json");
    public string DemoFixture => Path.Combine(Root, "tests", "NvmlStub", "fixtures", "demo.fixture");

    /// <summary>A scratch directory for fixtures and logs, removed at the end.</summary>
    public string WorkDir { get; }

    /// <summary>An empty procfs root: process names then come from <c>nvmlSystemGetProcessName</c>, i.e. the fixture.</summary>
    public string ProcRoot { get; }

    /// <summary>Opens the backend over <paramref name="fixture"/>, logging control calls to <paramref name="log"/>.</summary>
    public NvmlBackend Open(string fixture, string? log = null, TimeProvider? time = null, NvmlBackendOptions? options = null)
    {
        SetNative("GPUQOS_NVML_STUB_FIXTURE", fixture);
        SetNative("GPUQOS_NVML_STUB_LOG", log ?? "");
        return NvmlBackend.Open(options ?? new NvmlBackendOptions { ProcRoot = ProcRoot }, time ?? TimeProvider.System);
    }

    /// <summary>The demo fixture with <paramref name="extraLines"/> appended, written to a new file.</summary>
    public string DemoWith(params string[] extraLines)
    {
        var path = Path.Combine(WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
        File.WriteAllLines(path, [.. File.ReadAllLines(DemoFixture), .. extraLines]);
        return path;
    }

    /// <summary>A fixture of exactly <paramref name="lines"/>, written to a new file.</summary>
    public string FixtureOf(params string[] lines)
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

    private static void SetNative(string name, string value)
    {
        if (setenv(name, value, 1) != 0)
        {
            throw new InvalidOperationException("setenv failed for " + name);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GpuQos.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find GpuQos.sln above " + AppContext.BaseDirectory);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}

/// <summary>Tests that open the NVML stand-in; they share its native state, so they never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NvmlStubCollection : ICollectionFixture<NvmlStubHost>
{
    public const string Name = "nvml-stub";
}
