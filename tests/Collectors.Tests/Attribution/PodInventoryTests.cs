using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Model.Attribution;

namespace GpuQos.Collectors.Tests.Attribution;

public sealed class PodInventoryTests
{
    private const string Gpu = "GPU-d680c776-6991-c093-e637-5d5194bcefa5";
    private const string Mig = "MIG-ba284ac3-b8ec-bb08-02d0-127bf961d982";
    private const string SearchUid = "0a1b2c3d-0000-4000-8000-000000004101";
    private const string ContainerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly PodResourcesListing Listing = new(
        [
            new KubeletPod("search", "search-inference-0", [new KubeletContainer("server", [Gpu + "::0"]), new KubeletContainer("sidecar", [])]),
            new KubeletPod("ads", "ads-ranking-0", [new KubeletContainer("ranker", [Gpu + "::1"])]),
            new KubeletPod("llm", "triton-0", [new KubeletContainer("triton", [Mig])]),
        ],
        [Gpu + "::0", Gpu + "::1", Gpu + "::2", Mig]);

    private static readonly PodInventory Inventory = new(Listing, [new PodLogEntry("search", "search-inference-0", SearchUid, ["server", "sidecar"])]);

    [Fact]
    public void Resolve_PodUidNamedByLogDirectory_TakesTheContainerHoldingTheDevice()
    {
        var match = Inventory.Resolve(InPod(SearchUid), [Gpu]);

        Assert.Equal(new PodMatch("search", "search-inference-0", "server", PodMatchKind.PodUid), match);
    }

    [Fact]
    public void Resolve_UniqueMigDevice_MatchesByDevice()
    {
        var match = Inventory.Resolve(InPod("7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e01"), [Mig]);

        Assert.Equal(new PodMatch("llm", "triton-0", "triton", PodMatchKind.Device), match);
    }

    [Fact]
    public void Resolve_TimeSlicingReplicasShareTheGpu_GuessesNothing()
    {
        // Two pods hold replicas of the same GPU and the pod UID is not in the log directory: ambiguous.
        var match = Inventory.Resolve(InPod("0a1b2c3d-0000-4000-8000-000000004102"), [Gpu]);

        Assert.Equal(new PodMatch("", "", "", PodMatchKind.Cgroup), match);
    }

    [Fact]
    public void Resolve_HostProcessOnAPodsDevice_IsNotGivenToThePod()
    {
        var match = Inventory.Resolve(CgroupParser.ParsePath("/user.slice/user-1001.slice/session-4.scope"), [Mig]);

        Assert.Equal(PodMatchKind.None, match.Kind);
        Assert.Equal("", match.Pod);
    }

    [Fact]
    public void Resolve_UnknownCgroup_StillMatchesAUniqueDevice() =>
        Assert.Equal("triton-0", Inventory.Resolve(CgroupIdentity.None, [Mig]).Pod);

    [Fact]
    public void Resolve_DeviceNotAllocatableByKubelet_IsNotMatched()
    {
        var inventory = new PodInventory(Listing with { AllocatableDeviceIds = [Gpu] }, []);

        Assert.Equal("", inventory.Resolve(InPod("7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e01"), [Mig]).Pod);
    }

    [Fact]
    public void Resolve_PodOnlyInLogDirectory_TakesItsOnlyContainer()
    {
        var inventory = new PodInventory(null, [new PodLogEntry("batch", "train-0", SearchUid, ["trainer"])]);

        Assert.Equal(new PodMatch("batch", "train-0", "trainer", PodMatchKind.PodUid), inventory.Resolve(InPod(SearchUid), [Gpu]));
    }

    [Theory]
    [InlineData(Gpu + "::3", Gpu)]
    [InlineData(Gpu, Gpu)]
    [InlineData(Mig, Mig)]
    [InlineData("weird::", "weird::")]
    [InlineData("a::b", "a::b")]
    public void DeviceKey_StripsReplicaSuffixOnly(string id, string key) => Assert.Equal(key, PodInventory.DeviceKey(id));

    [Theory]
    [InlineData("kube-system_nvidia-device-plugin-x2_0a1b2c3d-0000-4000-8000-000000000001", "kube-system", "nvidia-device-plugin-x2")]
    [InlineData("default_web-0_6d2c9a4e8b1f4c3a9e7d5b2a1c0f8e9d", "default", "web-0")]
    public void PodLogDirectory_Parse_SplitsNamespaceNameUid(string dir, string ns, string name)
    {
        var entry = PodLogDirectory.Parse(dir);

        Assert.NotNull(entry);
        Assert.Equal((ns, name), (entry.Namespace, entry.Name));
    }

    [Theory]
    [InlineData("not-a-pod")]
    [InlineData("a__b")]
    public void PodLogDirectory_Parse_RejectsOtherNames(string dir) => Assert.Null(PodLogDirectory.Parse(dir));

    [Fact]
    public void PodLogDirectory_Read_ListsPodsAndContainers()
    {
        var root = Directory.CreateTempSubdirectory("gpuqos-podlogs-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, $"search_search-inference-0_{SearchUid}", "server"));
            Directory.CreateDirectory(Path.Combine(root.FullName, $"search_search-inference-0_{SearchUid}", "sidecar"));
            Directory.CreateDirectory(Path.Combine(root.FullName, "stray-directory"));

            var entry = Assert.Single(PodLogDirectory.Read(root.FullName));

            Assert.Equal(SearchUid, entry.Uid);
            Assert.Equal(["server", "sidecar"], entry.Containers);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static CgroupIdentity InPod(string uid) =>
        CgroupParser.ParsePath($"/kubepods.slice/kubepods-pod{uid.Replace('-', '_')}.slice/cri-containerd-{ContainerId}.scope");

    [Theory]
    [InlineData("same", true)]
    [InlineData("device", false)]
    [InlineData("container", false)]
    [InlineData("pod", false)]
    [InlineData("allocatable", false)]
    public void Listing_SameAs_EveryFieldCounts(string change, bool same)
    {
        static PodResourcesListing Listing(string pod = "trainer", string container = "main", string device = "MIG-a", string allocatable = "GPU-0") =>
            new([new KubeletPod("team-a", pod, [new KubeletContainer(container, [device])])], [allocatable]);

        var other = change switch
        {
            "device" => Listing(device: "MIG-b"),
            "container" => Listing(container: "sidecar"),
            "pod" => Listing(pod: "trainer-2"),
            "allocatable" => Listing(allocatable: "GPU-1"),
            _ => Listing(),
        };

        Assert.Equal(same, Listing().SameAs(other));
        Assert.False(Listing().SameAs(null));
    }
}
