using System.Diagnostics;
using GpuQos.Collectors.Attribution;

namespace GpuQos.Collectors.Tests.Attribution;

/// <summary>
/// Issue #26: the procfs facts carry what the enforcer acts on: the start time (the identity of the process
/// the snapshot saw) and the cgroup the freezer writes, v2 preferred, the v1 freezer hierarchy otherwise.
/// </summary>
public sealed class ProcessIdentityFactsTests
{
    [Fact]
    public void ParseStartTime_NameWithSpacesAndParentheses_Field22()
    {
        Assert.Equal(987654L, ProcfsReader.ParseStartTime("4104 (torch (run) x) T 1 4104 4104 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 987654 1000 10\n"u8));
        Assert.Null(ProcfsReader.ParseStartTime("12 (sh) S 1 2"u8));
    }

    [Theory]
    [InlineData("0::/kubepods.slice/pod1/cri-containerd-abc.scope\n", "/kubepods.slice/pod1/cri-containerd-abc.scope")]
    [InlineData("6:freezer:/docker/abc\n4:memory:/docker/abc\n0::/\n", "/docker/abc")]
    [InlineData("6:freezer:/docker/abc\n0::/system.slice/docker-abc.scope\n", "/system.slice/docker-abc.scope")]
    [InlineData("9:cpu,freezer:/batch\n", "/batch")]
    [InlineData("0::/\n6:freezer:/\n", null)]
    public void FreezerPath_V2PreferredElseV1FreezerNeverTheRoot(string content, string? expected) =>
        Assert.Equal(expected, CgroupParser.FreezerPath(content));

    [Fact]
    public void Read_RealProcess_StartTimeAndFreezerCgroupFromProcfs()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", ["60"]) { UseShellExecute = false })!;
        try
        {
            var facts = new ProcfsReader("/proc", new UserDirectory("/etc/passwd")).Read(sleeper.Id);
            var stat = File.ReadAllText($"/proc/{sleeper.Id}/stat");
            var start = long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], System.Globalization.CultureInfo.InvariantCulture);

            Assert.NotNull(facts);
            Assert.Equal(start, facts.StartTime);
            Assert.Equal(CgroupParser.FreezerPath(File.ReadAllText($"/proc/{sleeper.Id}/cgroup")), facts.FreezerCgroup);
        }
        finally
        {
            sleeper.Kill();
        }
    }
}
