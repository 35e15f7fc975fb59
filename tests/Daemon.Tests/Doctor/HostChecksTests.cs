using System.Net.Sockets;
using GpuQos.Daemon.Doctor;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Doctor;

/// <summary>The doctor's host checks over fixture trees: cgroup version and freezer, the kubelet socket.</summary>
public sealed class HostChecksTests
{
    [Fact]
    public void Cgroups_V2WithCgroupFreeze_IsOk()
    {
        using var root = new TempDir();
        root.Write("cgroup.controllers", "cpu memory pids\n");
        Directory.CreateDirectory(Path.Combine(root.Path, "kubepods.slice"));
        File.WriteAllText(Path.Combine(root.Path, "kubepods.slice", "cgroup.freeze"), "0\n");

        var check = HostChecks.Cgroups(root.Path, required: true, simulated: false);

        Assert.Equal((DoctorStatus.Ok, "v2"), (check.Status, check.Result));
    }

    [Fact]
    public void Cgroups_V2WithoutCgroupFreeze_FailsSayingWhy()
    {
        using var root = new TempDir();
        root.Write("cgroup.controllers", "cpu memory\n");

        var check = HostChecks.Cgroups(root.Path, required: true, simulated: false);

        Assert.True(check.Blocking);
        Assert.Contains("no cgroup.freeze", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Cgroups_V1Freezer_IsOk_AndNeitherIsMissing()
    {
        using var v1 = new TempDir();
        Directory.CreateDirectory(Path.Combine(v1.Path, "freezer"));
        using var none = new TempDir();

        Assert.Equal((DoctorStatus.Ok, "v1"), (HostChecks.Cgroups(v1.Path, true, false).Status, HostChecks.Cgroups(v1.Path, true, false).Result));
        var missing = HostChecks.Cgroups(none.Path, required: false, simulated: false);
        Assert.Equal((DoctorStatus.Failed, "missing", false), (missing.Status, missing.Result, missing.Blocking));
    }

    [Fact]
    public void Kubelet_ListeningSocket_IsOk_AbsentIsAWarning_AFileIsNotASocket()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "kubelet.sock");
        using (var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen();
            Assert.Equal((DoctorStatus.Ok, "ok"), (HostChecks.Kubelet(path).Status, HostChecks.Kubelet(path).Result));
        }

        File.Delete(path);
        Assert.Equal((DoctorStatus.Warning, "absent", false), (HostChecks.Kubelet(path).Status, HostChecks.Kubelet(path).Result, HostChecks.Kubelet(path).Required));
        File.WriteAllText(path, "");
        Assert.Equal("not-a-socket", HostChecks.Kubelet(path).Result);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Journal_DirectoryWritableByOthers_IsAWarningWithOwnerAndMode()
    {
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);

        var check = HostChecks.Journal(new Enforcer.Policies.EnforcementOptions { Journal = Path.Combine(dir.Path, "actions.jsonl") }, required: true, simulated: false);

        Assert.Equal(DoctorStatus.Warning, check.Status);
        Assert.Contains("mode 0707", check.Detail, StringComparison.Ordinal);
        Assert.Contains("writable by group or others", check.Detail, StringComparison.Ordinal);
    }
}
