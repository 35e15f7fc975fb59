using System.Diagnostics;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// Issue 26: Kubernetes shows a ConfigMap volume's directory as 0777 although it is mounted read-only, and the
/// configuration-permission check refused it, so the DaemonSet could not start. These mount a real tmpfs (the
/// tests run as root here), give it mode 0777 and a 0666 configuration, and remount it read-only.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadOnlyMountTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("gpuqos-romount-").FullName;
    private bool _mounted;

    [SkippableFact]
    public void WorldWritableModes_OnAReadOnlyMount_AreTrusted()
    {
        var config = MountWorldWritableConfig();
        Assert.NotNull(FileModes.CheckNotWorldWritable(_mount, "configuration directory"));
        Assert.NotNull(FileModes.CheckNotWorldWritable(config, "configuration file"));

        RemountReadOnly();

        Assert.Null(FileModes.CheckNotWorldWritable(_mount, "configuration directory"));
        Assert.Null(FileModes.CheckNotWorldWritable(config, "configuration file"));
    }

    [SkippableFact]
    public void Daemon_ConfigurationOnAReadOnly0777Mount_Starts()
    {
        var config = MountWorldWritableConfig();
        RemountReadOnly();

        using var app = Build(config);

        Assert.NotNull(app.Services.GetService<ReloadableOptions<GpuQosOptions>>());
    }

    [SkippableFact]
    public void Daemon_ConfigurationOnAWritable0777Mount_IsRefused()
    {
        // The control: the same files, writable, are still refused.
        var config = MountWorldWritableConfig();

        var ex = Assert.Throws<StartupRefusedException>(() => Build(config));

        Assert.Contains("world-writable", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", _mount);
        }

        Directory.Delete(_mount, recursive: true);
    }

    private string MountWorldWritableConfig()
    {
        Skip.IfNot(Environment.UserName == "root", "mounting a tmpfs needs root");
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "mode=0777,size=1m", "tmpfs", _mount);
        Skip.If(code != 0, $"mount is not permitted here: {error}");
        _mounted = true;
        var config = Path.Combine(_mount, "gpuqos.yaml");
        File.WriteAllText(config, "settings:\n  backend: sim\n");
        File.SetUnixFileMode(config, (UnixFileMode)0x1B6);
        return config;
    }

    private static WebApplication Build(string config)
    {
        var options = ConfigLoader.LoadFile(config);
        var backend = new Backends.Simulation.SimulatedBackend(Backends.Simulation.ScenarioLoader.Demo(), TimeProvider.System);
        return DaemonHost.Build(new RunRequest(options, config, BackendKind.Sim, null, "127.0.0.1:0"), backend, TimeProvider.System);
    }

    private void RemountReadOnly()
    {
        var (code, error) = Run("mount", "-o", "remount,ro", _mount);
        Assert.True(code == 0, $"mount -o remount,ro {_mount}: {error}");
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
