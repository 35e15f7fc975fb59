using System.Globalization;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Attribution.Kubelet.V1;
using GpuQos.Daemon.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Attribution;

/// <summary>
/// The real daemon, on the simulated demo host, against a stand-in kubelet serving PodResources over gRPC on
/// a unix socket: processes get pod, namespace and container labels, and the kubelet going away and coming
/// back never interrupts collection.
/// </summary>
public sealed class PodResourcesAttributionTests : IDisposable
{
    private const string SearchUid = "0a1b2c3d-0000-4000-8000-000000004101";
    private const string AdsUid = "0a1b2c3d-0000-4000-8000-000000004102";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gpuqos-kubelet-");
    private readonly string _migUuid;
    private readonly string _timeSlicedGpu;

    public PodResourcesAttributionTests()
    {
        using var demo = new SimulatedBackend(ScenarioLoader.Demo(), new FakeTimeProvider());
        _migUuid = demo.ReadPartitions(0).Single(p => p.Id == "gi1-ci0").Uuid!;
        _timeSlicedGpu = demo.Gpus[1].Uuid;
    }

    private string Socket => Path.Combine(_dir.FullName, "kubelet.sock");

    [Fact]
    public async Task Run_WithPodResourcesServer_LabelsProcessesAndSurvivesItsRestart()
    {
        var config = await WriteConfigAsync();
        var kubelet = await FakeKubelet.StartAsync(Socket, Pods("triton-0"), Allocatable());
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);

        // A MIG instance's UUID is held by one container: matched by device.
        var triton = await WaitForAsync(daemon, s => Process(s, 5101) is { } p && p.Labels["pod"] == "triton-0");
        Assert.Equal(("llm", "triton", "serving"), Labels(Process(triton, 5101)!, "namespace", "container", "tenant"));

        // Time-slicing replicas share the GPU UUID: matched by the cgroup's pod UID through the pod log directory.
        Assert.Equal(("search", "search-inference-0", "server"), Labels(Process(triton, 4101)!, "namespace", "pod", "container"));
        Assert.Equal(("ads", "ads-ranking-0", "ranker"), Labels(Process(triton, 4102)!, "namespace", "pod", "container"));
        Assert.Equal(1, Value(triton, "gpuqos_attribution_kubelet_up"));
        Assert.True(kubelet.Service.ListCalls > 0 && kubelet.Service.AllocatableCalls > 0);
        using (var state = System.Text.Json.JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state")))
        {
            var attribution = state.RootElement.GetProperty("attribution");
            Assert.True(attribution.GetProperty("kubeletUp").GetBoolean());
            Assert.Equal(3, attribution.GetProperty("pods").GetInt32());
        }

        // The kubelet goes away: collection goes on and the last pod list stands.
        await kubelet.DisposeAsync();
        var down = await WaitForAsync(daemon, s => Value(s, "gpuqos_attribution_kubelet_up") == 0);
        var cyclesWhileDown = Value(down, "gpuqos_collection_cycles_total");
        var later = await WaitForAsync(daemon, s => Value(s, "gpuqos_collection_cycles_total") >= cyclesWhileDown + 3);
        Assert.Equal("triton-0", Process(later, 5101)!.Labels["pod"]);
        Assert.All(later.Where(s => s.Name == "gpuqos_collector_success"), s => Assert.Equal(1, s.Value));

        // It comes back with a new pod list, which is picked up.
        await using var restarted = await FakeKubelet.StartAsync(Socket, Pods("triton-1"), Allocatable());
        var back = await WaitForAsync(daemon, s => Value(s, "gpuqos_attribution_kubelet_up") == 1 && Process(s, 5101)?.Labels["pod"] == "triton-1");
        Assert.True(Value(back, "gpuqos_collection_cycles_total") > Value(later, "gpuqos_collection_cycles_total"));
        Assert.True(Value(back, "gpuqos_attribution_kubelet_errors_total") >= 1);

        // One warning for the outage, however many refreshes failed.
        Assert.True(CountOccurrences(daemon.Output, "keeping the last pod list") == 1, daemon.Output);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Run_KubeletSocketDeletedMidRun_KeepsAttributingExposesTheOutageAndReconnects()
    {
        var config = await WriteConfigAsync();
        var kubelet = await FakeKubelet.StartAsync(Socket, Pods("triton-0"), Allocatable());
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        await WaitForAsync(daemon, s => Value(s, "gpuqos_attribution_kubelet_up") == 1 && Process(s, 5101)?.Labels["pod"] == "triton-0");

        // The socket file goes while the kubelet still runs (a kubelet restarting unlinks it first). A pooled
        // connection to the old server would still answer; the daemon must notice the socket is gone.
        File.Delete(Socket);
        var down = await WaitForAsync(daemon, s => Value(s, "gpuqos_attribution_kubelet_up") == 0);
        var later = await WaitForAsync(daemon, s => Value(s, "gpuqos_collection_cycles_total") >= Value(down, "gpuqos_collection_cycles_total") + 3);
        Assert.True(Value(later, "gpuqos_attribution_kubelet_errors_total") >= 1);
        Assert.All(later.Where(s => s.Name == "gpuqos_collector_success"), s => Assert.Equal(1, s.Value));

        // Attribution goes on: pod UIDs from the processes' cgroups, joined through the pod log directory,
        // and the last pod list for the MIG instance.
        Assert.Equal(("search", "search-inference-0", "serving"), Labels(Process(later, 4101)!, "namespace", "pod", "tenant"));
        Assert.Equal(("ads", "ads-ranking-0", "ranker"), Labels(Process(later, 4102)!, "namespace", "pod", "container"));
        Assert.Equal("triton-0", Process(later, 5101)!.Labels["pod"]);
        Assert.Equal("ok", (await daemon.Http.GetStringAsync("/healthz")).Trim());

        // The old server goes for good and a new one binds the path: picked up without a restart of the daemon.
        await kubelet.DisposeAsync();
        await using var restarted = await FakeKubelet.StartAsync(Socket, Pods("triton-1"), Allocatable());
        var back = await WaitForAsync(daemon, s => Value(s, "gpuqos_attribution_kubelet_up") == 1 && Process(s, 5101)?.Labels["pod"] == "triton-1");
        Assert.True(restarted.Service.ListCalls > 0);
        Assert.True(Value(back, "gpuqos_attribution_kubelet_errors_total") >= Value(later, "gpuqos_attribution_kubelet_errors_total"));
        Assert.True(CountOccurrences(daemon.Output, "keeping the last pod list") == 1, daemon.Output);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Run_ProcfsRootMissing_ExitsWithAClearError()
    {
        var missing = Path.Combine(_dir.FullName, "no-such-proc");

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["run", "--backend", "sim", "--procfs-root", missing, "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"]);

        Assert.Equal(2, code);
        Assert.Contains("--procfs-root", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Pod log directories for the two time-sliced pods and a configuration with a fast attribution refresh.</summary>
    private async Task<string> WriteConfigAsync()
    {
        // The kubelet names each pod's log directory namespace_name_uid; cgroups name pods by UID.
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "pods", $"search_search-inference-0_{SearchUid}", "server"));
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "pods", $"ads_ads-ranking-0_{AdsUid}", "ranker"));
        var config = Path.Combine(_dir.FullName, "gpuqos.yaml");
        await File.WriteAllTextAsync(config, $"""
            settings:
              interval: 200ms
            tenants:
              - name: serving
                match:
                  - namespace: llm
                  - namespace: search
            attribution:
              podResourcesSocket: {Socket}
              podLogsDirectory: {Path.Combine(_dir.FullName, "pods")}
              refresh: 200ms
              podResourcesTimeout: 10s
            """);

        return config;
    }

    private ListPodResourcesResponse Pods(string tritonPod) => new()
    {
        PodResources =
        {
            Pod("llm", tritonPod, "triton", _migUuid),
            Pod("search", "search-inference-0", "server", _timeSlicedGpu + "::0"),
            Pod("ads", "ads-ranking-0", "ranker", _timeSlicedGpu + "::1"),
        },
    };

    private AllocatableResourcesResponse Allocatable() => new()
    {
        Devices =
        {
            new ContainerDevices { ResourceName = "nvidia.com/mig-3g.40gb", DeviceIds = { _migUuid } },
            new ContainerDevices { ResourceName = "nvidia.com/gpu", DeviceIds = { _timeSlicedGpu + "::0", _timeSlicedGpu + "::1", _timeSlicedGpu + "::2" } },
        },
    };

    private static PodResources Pod(string ns, string name, string container, string device) => new()
    {
        Namespace = ns,
        Name = name,
        Containers =
        {
            new ContainerResources
            {
                Name = container,
                Devices = { new ContainerDevices { ResourceName = device.StartsWith("MIG-", StringComparison.Ordinal) ? "nvidia.com/mig-3g.40gb" : "nvidia.com/gpu", DeviceIds = { device } } },
            },
        },
    };

    private static Sample? Process(IReadOnlyList<Sample> samples, int pid) =>
        samples.FirstOrDefault(s => s.Name == "gpuqos_process_memory_used_bytes" && s.Labels["pid"] == pid.ToString(CultureInfo.InvariantCulture));

    private static (string, string, string) Labels(Sample sample, string a, string b, string c) => (sample.Labels[a], sample.Labels[b], sample.Labels[c]);

    private static double Value(IReadOnlyList<Sample> samples, string name) => samples.Single(s => s.Name == name).Value;

    private static int CountOccurrences(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static async Task<IReadOnlyList<Sample>> WaitForAsync(DaemonProcess daemon, Func<IReadOnlyList<Sample>, bool> condition)
    {
        IReadOnlyList<Sample> samples = [];
        for (var i = 0; i < 150; i++)
        {
            samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            if (condition(samples))
            {
                return samples;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the daemon never reached the expected state; last scrape had " + samples.Count + " samples\n" + daemon.Output);
        return samples;
    }
}
