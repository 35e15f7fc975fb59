using GpuQos.Collectors.Tests.Attribution;
using GpuQos.Model.Procfs;

namespace GpuQos.Collectors.Tests.Model.Procfs;

public sealed class PidNamespaceCheckTests
{
    [Fact]
    public void Check_DaemonInTheHostNamespace_IsHostAndRefusesNothing()
    {
        using var procfs = PidNamespaceFixture.Host();

        var result = new PidNamespaceCheck(procfs.Root).Check([4101]);

        Assert.Equal(PidNamespaceState.Host, result.State);
        Assert.Null(result.Refusal);
    }

    [Fact]
    public void Check_ContainerWithItsOwnProcfs_IsForeignByTheNamespaceInode()
    {
        // Inside the container PID 1 shares the daemon's namespace and NSpid has one entry: only the inode tells.
        using var procfs = PidNamespaceFixture.Container();

        var result = new PidNamespaceCheck(procfs.Root).Check();

        Assert.Equal(PidNamespaceState.Foreign, result.State);
        Assert.Contains(PidNamespaceFixture.ContainerNamespace, result.Detail, StringComparison.Ordinal);
        Assert.Contains("hostPID", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HostProcfsMountedInAContainer_IsForeignAndNamesBothNamespaces()
    {
        using var procfs = PidNamespaceFixture.HostProcfsInContainer();

        var result = new PidNamespaceCheck(procfs.Root).Check();

        Assert.Equal(PidNamespaceState.Foreign, result.State);
        Assert.Contains(PidNamespaceFixture.ContainerNamespace, result.Detail, StringComparison.Ordinal);
        Assert.Contains(PidNamespaceFixture.HostNamespace, result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OnlyNSpidReadable_NestedIsForeign()
    {
        using var procfs = PidNamespaceFixture.HostProcfsInContainer();
        File.Delete(Path.Combine(procfs.Root, "self", "ns", "pid"));
        File.Delete(Path.Combine(procfs.Root, "1", "ns", "pid"));

        var result = new PidNamespaceCheck(procfs.Root).Check();

        Assert.Equal(PidNamespaceState.Foreign, result.State);
        Assert.Contains("NSpid: 31337 7", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NothingReadable_IsUnknownUntilNoNvmlPidIsHere()
    {
        using var procfs = PidNamespaceFixture.Unreadable(4101);
        var check = new PidNamespaceCheck(procfs.Root);

        Assert.Equal(PidNamespaceState.Unknown, check.Check().State);
        Assert.Null(check.Check().Refusal);
        Assert.Equal(PidNamespaceState.Unknown, check.Check([4101, 4102]).State); // 4101 is here: no evidence

        var missing = check.Check([4102, 4103]);
        Assert.Equal(PidNamespaceState.Foreign, missing.State);
        Assert.Contains("none of NVML's 2 PID(s)", missing.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ThisMachine_AgreesWithItsOwnNamespaceLink()
    {
        var link = new FileInfo("/proc/self/ns/pid").LinkTarget;
        var result = new PidNamespaceCheck("/proc").Check();

        Assert.Equal(link == PidNamespaceCheck.InitialNamespace ? PidNamespaceState.Host : PidNamespaceState.Foreign, result.State);
    }
}
