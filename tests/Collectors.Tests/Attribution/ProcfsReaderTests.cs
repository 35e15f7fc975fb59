using GpuQos.Collectors.Attribution;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>Fixture /proc trees, one process per container runtime and cgroup layout.</summary>
public sealed class ProcfsReaderTests
{
    private const string Id = "23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Attribution", "Fixtures");
    private readonly ProcfsReader _reader = new(Path.Combine(Fixtures, "proc"), new UserDirectory(Path.Combine(Fixtures, "etc", "passwd")));

    [Theory]
    [InlineData(1001, "a1" + Id, "7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e01", "containerd")] // systemd driver, v2
    [InlineData(1002, "b2" + Id, "0a1b2c3d-0000-4000-8000-000000001002", "")] // cgroupfs driver, v1: a CRI runtime, which one the path does not say
    [InlineData(1003, "c3" + Id, "0a1b2c3d-0000-4000-8000-000000001003", "cri-o")] // systemd driver, v2
    [InlineData(1004, "d4" + Id, "0a1b2c3d-0000-4000-8000-000000001004", "cri-o")] // cgroupfs driver, v1
    [InlineData(1005, "e5" + Id, "", "docker")] // systemd driver, v2
    [InlineData(1006, "f6" + Id, "", "docker")] // cgroupfs driver, v1
    [InlineData(1007, "a7" + Id, "0a1b2c3d-0000-4000-8000-000000001007", "containerd")] // guaranteed QoS, hybrid v1+v2
    [InlineData(1009, "b9" + Id, "6d2c9a4e8b1f4c3a9e7d5b2a1c0f8e9d", "")] // static pod: the UID is a hash
    [InlineData(1010, "c0" + Id, "", "podman")] // nested cgroup below the container's scope
    public void Read_RuntimeFixture_ResolvesContainerAndPod(int pid, string containerId, string podUid, string runtime)
    {
        var facts = _reader.Read(pid);

        Assert.NotNull(facts);
        Assert.Equal(containerId, facts.Cgroup.ContainerId);
        Assert.Equal(podUid, facts.Cgroup.PodUid);
        Assert.Equal(runtime, facts.Cgroup.Runtime);
        Assert.True(facts.Cgroup.InContainer);
    }

    [Fact]
    public void Read_HostSession_IsNotInAContainer()
    {
        var facts = _reader.Read(1008);

        Assert.NotNull(facts);
        Assert.False(facts.Cgroup.InContainer);
        Assert.Equal("/user.slice/user-1001.slice/session-4.scope", facts.Cgroup.Path);
        Assert.Equal("alice", facts.User);
    }

    [Fact]
    public void Read_CrioConmon_IsNotTakenForTheContainer()
    {
        var facts = _reader.Read(1011);

        Assert.NotNull(facts);
        Assert.Equal("", facts.Cgroup.ContainerId);
        Assert.Equal("0a1b2c3d-0000-4000-8000-000000001011", facts.Cgroup.PodUid);
    }

    [Theory]
    [InlineData(1001, "search")]
    [InlineData(1002, "alice")]
    [InlineData(1003, "ads")]
    [InlineData(1004, "1003")] // not in the passwd file: shown by UID
    [InlineData(1006, "root")]
    public void Read_StatusUid_IsNamedFromPasswd(int pid, string user) => Assert.Equal(user, _reader.Read(pid)!.User);

    [Fact]
    public void Read_ProcessGone_ReturnsNull() => Assert.Null(_reader.Read(999_999));

    [Fact]
    public void ParseRealUid_TakesTheRealNotTheEffectiveUid() =>
        Assert.Equal(1000, ProcfsReader.ParseRealUid("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n"));
}
