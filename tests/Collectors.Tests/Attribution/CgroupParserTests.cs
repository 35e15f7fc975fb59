using GpuQos.Collectors.Attribution;
using GpuQos.Model.Attribution;

namespace GpuQos.Collectors.Tests.Attribution;

public sealed class CgroupParserTests
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void ParseFile_V1PrefersTheHierarchyThatNamesTheContainer()
    {
        var identity = CgroupParser.ParseFile($"12:devices:/\n11:memory:/kubepods/besteffort/pod0a1b2c3d-0000-4000-8000-000000000001/{Id}\n0::/\n");

        Assert.Equal(Id, identity.ContainerId);
        Assert.Equal("0a1b2c3d-0000-4000-8000-000000000001", identity.PodUid);
    }

    [Fact]
    public void ParseFile_NoContainer_KeepsTheUnifiedPath()
    {
        var identity = CgroupParser.ParseFile("3:cpu:/\n0::/system.slice/nvidia-persistenced.service\n");

        Assert.False(identity.InContainer);
        Assert.Equal("/system.slice/nvidia-persistenced.service", identity.Path);
    }

    [Fact]
    public void ParseFile_Garbage_IsNone() => Assert.Same(CgroupIdentity.None, CgroupParser.ParseFile("not a cgroup file"));

    [Theory]
    [InlineData("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod0a1b2c3d_0000_4000_8000_000000000002.slice/cri-containerd-" + Id + ".scope", "0a1b2c3d-0000-4000-8000-000000000002")]
    [InlineData("/kubepods/pod0a1b2c3d-0000-4000-8000-000000000003/" + Id, "0a1b2c3d-0000-4000-8000-000000000003")]
    public void ParsePath_NestedAndGuaranteedLayouts_FindPodAndContainer(string path, string podUid)
    {
        var identity = CgroupParser.ParsePath(path);

        Assert.Equal(podUid, identity.PodUid);
        Assert.Equal(Id, identity.ContainerId);
    }

    [Theory]
    [InlineData("/docker/" + "0123456789abcdef")] // a short ID is not a container ID
    [InlineData("/system.slice/docker.service")]
    [InlineData("/kubepods.slice/kubepods-burstable.slice")]
    public void ParsePath_NoContainerId_FindsNone(string path) => Assert.Equal("", CgroupParser.ParsePath(path).ContainerId);

    [Fact]
    public void ShortContainerId_IsTwelveDigits() => Assert.Equal("0123456789ab", CgroupParser.ParsePath("/docker/" + Id).ShortContainerId);
}
