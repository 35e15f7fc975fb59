using GpuQos.Enforcer.Actuators;

namespace GpuQos.Enforcer.Tests.Actuators;

public sealed class CgroupFreezerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gpuqos-cgroup-");

    [Fact]
    public void FreezeThaw_CgroupV2_WritesCgroupFreeze()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.FullName, "kubepods.slice", "pod1"));
        File.WriteAllText(Path.Combine(dir.FullName, "cgroup.freeze"), "0");
        var freezer = new CgroupFreezer(_root.FullName);

        freezer.Freeze("/kubepods.slice/pod1");
        Assert.Equal("1", File.ReadAllText(Path.Combine(dir.FullName, "cgroup.freeze")));
        freezer.Thaw("/kubepods.slice/pod1");
        Assert.Equal("0", File.ReadAllText(Path.Combine(dir.FullName, "cgroup.freeze")));
    }

    [Fact]
    public void FreezeThaw_CgroupV1_WritesFreezerState()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.FullName, "freezer", "docker", "abc"));
        File.WriteAllText(Path.Combine(dir.FullName, "freezer.state"), "THAWED");
        var freezer = new CgroupFreezer(_root.FullName);

        freezer.Freeze("/docker/abc");
        Assert.Equal("FROZEN", File.ReadAllText(Path.Combine(dir.FullName, "freezer.state")));
        freezer.Thaw("/docker/abc");
        Assert.Equal("THAWED", File.ReadAllText(Path.Combine(dir.FullName, "freezer.state")));
    }

    [Fact]
    public void Freeze_NoFreezer_ThrowsNamingTheCgroup_ThawOfGoneCgroupIsQuiet()
    {
        var freezer = new CgroupFreezer(_root.FullName);
        var error = Assert.Throws<InvalidOperationException>(() => freezer.Freeze("/gone"));
        Assert.Contains("/gone", error.Message, StringComparison.Ordinal);
        freezer.Thaw("/gone");
    }

    public void Dispose() => _root.Delete(recursive: true);
}
