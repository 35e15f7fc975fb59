using System.Diagnostics;
using GpuQos.Enforcer.Actuators;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Actuators;

/// <summary>
/// The freezer on real cgroups, and what it refuses: a path that leaves the root, a control file that is a
/// link, a control file that is not on a cgroup file system. The refusals are tested on ordinary directories,
/// where today's freezer would have written.
/// </summary>
public sealed class CgroupFreezerTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("gpuqos-cgroup-");

    [CgroupFact]
    public async Task FreezeThaw_RealCgroupV2_ProcessFrozenAndThawed()
    {
        using var cgroup = TestCgroup.Create();
        using var sleeper = Process.Start("/bin/sleep", "60");
        try
        {
            cgroup.Add(sleeper.Id);
            var freezer = new CgroupFreezer(cgroup.Mount);

            freezer.Freeze(cgroup.Path);
            Assert.True(await Eventually(() => cgroup.Frozen), "the kernel never reported the cgroup frozen");
            freezer.Thaw(cgroup.Path);
            Assert.True(await Eventually(() => !cgroup.Frozen), "the kernel never reported the cgroup thawed");
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void Thaw_DotDotInPath_RefusedAndNothingWrittenOutside()
    {
        // The journal said "../../x/fake": the file it would reach lies outside the cgroup root.
        var root = Directory.CreateDirectory(Path.Combine(_root.FullName, "a", "b", "cgroup"));
        var outside = Directory.CreateDirectory(Path.Combine(_root.FullName, "a", "x", "fake"));
        var target = Path.Combine(outside.FullName, "cgroup.freeze");
        File.WriteAllText(target, "precious");
        var freezer = new CgroupFreezer(root.FullName);

        var error = Assert.Throws<InvalidOperationException>(() => freezer.Thaw("../../x/fake"));
        Assert.Contains("..", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => freezer.Thaw("/kubepods/../../x/fake"));
        Assert.Equal("precious", File.ReadAllText(target));
    }

    [Fact]
    public void Thaw_ControlFileIsLink_RefusedAndLinkTargetUntouched()
    {
        var root = Directory.CreateDirectory(Path.Combine(_root.FullName, "cgroup"));
        var cgroup = Directory.CreateDirectory(Path.Combine(root.FullName, "batch.slice"));
        var victim = Path.Combine(_root.FullName, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(cgroup.FullName, "cgroup.freeze"), victim);

        var error = Assert.Throws<InvalidOperationException>(() => new CgroupFreezer(root.FullName).Thaw("/batch.slice"));
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void Thaw_ControlFileNotOnCgroupFs_Refused()
    {
        var cgroup = Directory.CreateDirectory(Path.Combine(_root.FullName, "kubepods.slice", "pod1"));
        var file = Path.Combine(cgroup.FullName, "cgroup.freeze");
        File.WriteAllText(file, "1");

        var error = Assert.Throws<InvalidOperationException>(() => new CgroupFreezer(_root.FullName).Thaw("/kubepods.slice/pod1"));
        Assert.Contains("not on a cgroup file system", error.Message, StringComparison.Ordinal);
        Assert.Equal("1", File.ReadAllText(file));
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

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
