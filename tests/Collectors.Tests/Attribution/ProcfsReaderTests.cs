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
        Assert.Equal(1000, ProcfsReader.ParseRealUid("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n"u8));

    [Theory]
    [InlineData("Name:\tx\nGid:\t0\t0\t0\t0\n")] // no Uid line
    [InlineData("Uid:\n")] // no field
    [InlineData("Uid:\t-1\t0\t0\t0\n")] // signed
    [InlineData("Uid:\t+7\t0\t0\t0\n")]
    [InlineData("Uid:\t12x\t0\t0\t0\n")]
    [InlineData("Uid:\t99999999999\t0\t0\t0\n")] // beyond an int
    public void ParseRealUid_NoPlainNumber_IsUnknown(string status) =>
        Assert.Null(ProcfsReader.ParseRealUid(System.Text.Encoding.UTF8.GetBytes(status)));

    [Fact]
    public void ParseRealUid_LastLineWithoutNewline_IsRead() =>
        Assert.Equal(42, ProcfsReader.ParseRealUid("Name:\tx\nUid: 42 42 42 42"u8));

    [Fact]
    public void Read_ThisProcessFromTheRealProcfs_ReadsItsCgroupAndUser()
    {
        // The real procfs reports every file as empty (size 0) and is read to its end.
        var reader = new ProcfsReader("/proc", new UserDirectory("/etc/passwd"));

        var facts = reader.Read(Environment.ProcessId);

        Assert.NotNull(facts);
        var v2 = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
        if (v2 is not null)
        {
            Assert.Equal(v2[3..], facts.Cgroup.Path);
        }

        Assert.Equal(Environment.UserName, facts.User);
    }

    [Fact]
    public void Read_CgroupFileLargerThanTheFirstBuffer_IsReadWhole()
    {
        var root = Directory.CreateTempSubdirectory("gpuqos-procfs-");
        try
        {
            var dir = Directory.CreateDirectory(Path.Combine(root.FullName, "77"));

            // Many v1 hierarchies of long names before the one that names the container: about 9 KB.
            var lines = Enumerable.Range(1, 120).Select(h => $"{h + 1}:controller-with-a-long-name-{h}:/system.slice/some-service-{h}.service").ToList();
            lines.Add($"1:cpu,cpuacct:/kubepods/burstable/pod0a1b2c3d-0000-4000-8000-000000000077/77{Id}");
            File.WriteAllText(Path.Combine(dir.FullName, "cgroup"), string.Join('\n', lines) + "\n");
            File.WriteAllText(Path.Combine(dir.FullName, "status"), "Name:\tx\nUid:\t1002\t1002\t1002\t1002\n");
            var reader = new ProcfsReader(root.FullName, new UserDirectory(Path.Combine(Fixtures, "etc", "passwd")));

            var facts = reader.Read(77);

            Assert.NotNull(facts);
            Assert.Equal("77" + Id, facts.Cgroup.ContainerId);
            Assert.Equal("0a1b2c3d-0000-4000-8000-000000000077", facts.Cgroup.PodUid);
            Assert.Equal("ads", facts.User);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
