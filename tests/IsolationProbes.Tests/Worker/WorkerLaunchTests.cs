using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;
using GpuQos.Model.Configuration;

namespace GpuQos.IsolationProbes.Tests.Worker;

/// <summary>Where the coordinator finds gpuqos-probe: beside itself, or at <c>audit.workerPath</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WorkerLaunchTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-worker-path-");

    [Theory]
    [InlineData(true, "0")]
    [InlineData(false, null)]
    public void StartInfo_CpuWorker_TurnsWriteXorExecuteOffOnlyUnderTheMemoryLimit(bool limitMemory, string? expected)
    {
        var partition = new AuditPartition("cpu0", "cpu", "cpu0", "cpu-cores", AcceleratorChoice.Cpu, [0], null, 96L << 20);

        var psi = WorkerLaunch.Dll("/opt/gpuqos/gpuqos-probe.dll").StartInfo(partition, limitMemory);

        Assert.Equal(expected, psi.Environment.TryGetValue("DOTNET_EnableWriteXorExecute", out var value) ? value : null);
        Assert.Equal(limitMemory, psi.ArgumentList.Contains("--memory-limit"));
    }

    [Fact]
    public void Bind_WorkerPathMissing_ErrorNamesWorkerPath()
    {
        var missing = Path.Combine(_dir.FullName, "gpuqos-probe");

        var (_, errors) = YamlBinder.Bind<AuditOptions>($"workerPath: {missing}\n");

        var error = Assert.Single(errors);
        Assert.Equal("workerPath", error.Path);
        Assert.Equal($"'{missing}' does not exist", error.Message);
    }

    [Fact]
    public void Bind_WorkerPathNotExecutable_ErrorNamesWorkerPath()
    {
        var file = Write("gpuqos-probe", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (_, errors) = YamlBinder.Bind<AuditOptions>($"workerPath: {file}\n");

        var error = Assert.Single(errors);
        Assert.Equal("workerPath", error.Path);
        Assert.Equal($"'{file}' is not executable", error.Message);
    }

    [Theory]
    [InlineData("gpuqos-probe")]
    [InlineData("./bin/gpuqos-probe")]
    public void Bind_WorkerPathRelative_ErrorNamesWorkerPath(string path)
    {
        var (_, errors) = YamlBinder.Bind<AuditOptions>($"workerPath: {path}\n");

        Assert.Contains(errors, e => e.Path == "workerPath" && e.Message.Contains("absolute path", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_WorkerPathADirectory_ErrorNamesWorkerPath()
    {
        var (_, errors) = YamlBinder.Bind<AuditOptions>($"workerPath: {_dir.FullName}\n");

        Assert.Contains(errors, e => e.Path == "workerPath" && e.Message.Contains("is a directory", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_WorkerPathExecutable_IsTakenAsIs()
    {
        // The control for the refusals above: the same file, executable, is accepted and started directly.
        var file = Write("gpuqos-probe", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (options, errors) = YamlBinder.Bind<AuditOptions>($"workerPath: {file}\n");

        Assert.Empty(errors);
        Assert.Equal(file, options!.WorkerPath);
        var launch = WorkerLaunch.Resolve(options.WorkerPath);
        Assert.Equal(file, launch.FileName);
        Assert.Empty(launch.PrefixArguments);
        Assert.Null(WorkerLaunch.Unusable(options.WorkerPath));
    }

    [Fact]
    public void Resolve_ConfiguredDll_RunsThroughTheDotnetHost()
    {
        var dll = Write("gpuqos-probe.dll", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var launch = WorkerLaunch.Resolve(dll);

        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(launch.FileName));
        Assert.Equal([dll], launch.PrefixArguments);
        Assert.Null(launch.Problem());
    }

    [Fact]
    public void Resolve_NothingConfigured_TakesTheWorkerBesideThisProgram()
    {
        // The test host runs under dotnet, and the build put gpuqos-probe.dll beside this test assembly.
        var launch = WorkerLaunch.Resolve(null);

        Assert.Equal([Path.Combine(AppContext.BaseDirectory, "gpuqos-probe.dll")], launch.PrefixArguments);
        Assert.Null(launch.Problem());
        Assert.Null(WorkerLaunch.Unusable(null));
    }

    [Fact]
    public void Beside_DirectoryWithoutAWorker_ProblemSaysSo()
    {
        var launch = WorkerLaunch.Beside(_dir.FullName);

        Assert.Equal(Path.Combine(_dir.FullName, "gpuqos-probe"), launch.FileName);
        Assert.Equal($"'{launch.FileName}' does not exist", launch.Problem());
    }

    [Fact]
    public void Unusable_MissingConfiguredWorker_NamesTheSetting()
    {
        var missing = Path.Combine(_dir.FullName, "nowhere", "gpuqos-probe");

        Assert.Equal($"audit.workerPath: '{missing}' does not exist", WorkerLaunch.Unusable(missing));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, UnixFileMode mode)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
