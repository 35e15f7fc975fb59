using GpuQos.Collectors.Attribution;
using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Collectors.Tests.Attribution;

public sealed class AttributionRefresherTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Attribution", "Fixtures");
    private readonly AttributionState _state = new();
    private readonly SnapshotStore _store = new(1);
    private readonly FakeKubelet _kubelet = new();
    private readonly CountingLogger _log = new();

    [Fact]
    public async Task RefreshAsync_SocketAbsent_LogsOnceAndAttributesByCgroups()
    {
        _kubelet.Present = false;
        using var refresher = Create();

        for (var i = 0; i < 5; i++)
        {
            await refresher.RefreshAsync(CancellationToken.None);
        }

        Assert.Equal(1, _log.Count(4001));
        Assert.Equal(0, _kubelet.Calls);
        Assert.False(_state.KubeletUp);
        Assert.Equal(5, _state.Refreshes);
    }

    [Fact]
    public async Task RefreshAsync_NothingChanged_KeepsTheSameInventory_ANewPodLogDirectoryReplacesIt()
    {
        // Attributions are remembered per inventory: a new one after every refresh would match every process again.
        var logs = Directory.CreateTempSubdirectory("gpuqos-podlogs-");
        try
        {
            _kubelet.Present = false;
            using var refresher = Create(podLogs: logs.FullName);
            await refresher.RefreshAsync(CancellationToken.None);
            var first = _state.Inventory;
            await refresher.RefreshAsync(CancellationToken.None);
            await refresher.RefreshAsync(CancellationToken.None);
            Assert.Same(first, _state.Inventory);

            Directory.CreateDirectory(Path.Combine(logs.FullName, "team-a_trainer-0_7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e99", "main"));
            await refresher.RefreshAsync(CancellationToken.None);
            var second = _state.Inventory;
            Assert.NotSame(first, second);
            Assert.Equal("trainer-0", second.Resolve(new CgroupIdentity("/kubepods/pod7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e99/abc", "abc", "7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e99", "containerd"), []).Pod);
            await refresher.RefreshAsync(CancellationToken.None);
            Assert.Same(second, _state.Inventory);
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RefreshAsync_KubeletAnswersTheSame_KeepsTheInventory_ANewAnswerReplacesIt_AnOutageKeepsTheLastOne()
    {
        using var refresher = Create();
        await refresher.RefreshAsync(CancellationToken.None);
        var first = _state.Inventory;
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.Same(first, _state.Inventory); // a new listing object with the same pods

        _kubelet.Pod = "pod-2";
        await refresher.RefreshAsync(CancellationToken.None);
        var second = _state.Inventory;
        Assert.NotSame(first, second);

        _kubelet.Failing = true;
        await refresher.RefreshAsync(CancellationToken.None);
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.Same(second, _state.Inventory);
    }

    [Fact]
    public async Task RefreshAsync_KubeletFailsThenRecovers_KeepsTheLastPodsAndLogsOncePerOutage()
    {
        using var refresher = Create();
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.True(_state.KubeletUp);
        Assert.Equal(1, _state.Inventory.PodCount);

        _kubelet.Failing = true;
        for (var i = 0; i < 3; i++)
        {
            await refresher.RefreshAsync(CancellationToken.None);
        }

        Assert.False(_state.KubeletUp);
        Assert.Equal(3, _state.KubeletErrors);
        Assert.Equal(1, _log.Count(4003));
        Assert.Equal(1, _state.Inventory.PodCount); // the last good list stands through the outage

        _kubelet.Failing = false;
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.True(_state.KubeletUp);
        Assert.Equal(2, _log.Count(4002)); // up, then up again after the outage
    }

    [Fact]
    public async Task RefreshAsync_SocketVanishesAfterTheKubeletAnswered_IsAnOutageThatKeepsThePods()
    {
        using var refresher = Create();
        await refresher.RefreshAsync(CancellationToken.None);

        _kubelet.Present = false;
        await refresher.RefreshAsync(CancellationToken.None);
        await refresher.RefreshAsync(CancellationToken.None);

        Assert.False(_state.KubeletUp);
        Assert.Equal(1, _state.Inventory.PodCount);
        Assert.Equal(1, _log.Count(4003));
        Assert.Equal(0, _log.Count(4001));
        Assert.Equal(1, _kubelet.Calls);
    }

    [Fact]
    public async Task RefreshAsync_ReadsProcfsForProcessesWithoutCgroupAndForgetsExitedOnes()
    {
        using var refresher = Create();
        Publish(1001, 1005);

        await refresher.RefreshAsync(CancellationToken.None);

        Assert.Equal("7f3c2a10-51aa-4c1e-9a0e-1d2b3c4d5e01", _state.FactsOf(1001)!.Cgroup.PodUid);
        Assert.Equal("docker", _state.FactsOf(1005)!.Cgroup.Runtime);

        Publish(1005);
        await refresher.RefreshAsync(CancellationToken.None);

        Assert.Equal(1, _state.CachedProcesses);
    }

    [Fact]
    public void ResolveWanted_NewProcess_IsReadWithoutWaitingForTheSchedule()
    {
        using var refresher = Create();
        Assert.Null(_state.FactsOf(1003));

        refresher.ResolveWanted();

        Assert.Equal("ads", _state.FactsOf(1003)!.User);
        Assert.Equal(0, _kubelet.Calls); // only the scheduled refresh calls the kubelet
    }

    [Fact]
    public void ResolveWanted_UnreadableProcess_IsNotAskedForAgainEveryCycle()
    {
        using var refresher = Create();
        var asked = 0;
        _state.Wanted += () => asked++;
        Assert.Null(_state.FactsOf(999_999));

        refresher.ResolveWanted();

        Assert.Same(ProcessFacts.None, _state.FactsOf(999_999));
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task ExecuteAsync_RunsOnItsOwnScheduleAndWakesForNewProcesses()
    {
        var time = new FakeTimeProvider();
        using var refresher = Create(time);
        await refresher.StartAsync(CancellationToken.None);
        await WaitUntil(() => _state.Refreshes == 1);

        _ = _state.FactsOf(1002); // a process seen for the first time wakes the refresher
        await WaitUntil(() => _state.FactsOf(1002) is not null);
        Assert.Equal(1, _state.Refreshes);

        time.Advance(TimeSpan.FromSeconds(10));
        await WaitUntil(() => _state.Refreshes == 2);
        Assert.Equal(2, _kubelet.Calls);

        await refresher.StopAsync(CancellationToken.None);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private AttributionRefresher Create(TimeProvider? time = null, string podLogs = "") => new(
        _state,
        _store,
        new ProcfsReader(Path.Combine(Fixtures, "proc"), new UserDirectory(Path.Combine(Fixtures, "etc", "passwd"))),
        [_kubelet],
        new AttributionOptions { PodLogsDirectory = podLogs },
        time ?? TimeProvider.System,
        _log);

    private void Publish(params int[] pids) =>
        _store.Publish(Snapshots.Host(SharingMode.TimeSliced, [], pids.Select(pid => Snapshots.Process(pid, "", 1, 0.1)).ToArray()));

    private sealed class FakeKubelet : IPodResourcesSource
    {
        public bool Present { get; set; } = true;
        public bool Failing { get; set; }
        public string Pod { get; set; } = "pod";
        public int Calls { get; private set; }
        public string Address => "fake.sock";

        public Task<PodResourcesListing> ListAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Failing
                ? Task.FromException<PodResourcesListing>(new IOException("connection refused"))
                : Task.FromResult(new PodResourcesListing([new KubeletPod("ns", Pod, [])], []));
        }
    }

    private sealed class CountingLogger : ILogger<AttributionRefresher>
    {
        private readonly List<int> _events = [];

        public int Count(int eventId)
        {
            lock (_events)
            {
                return _events.Count(e => e == eventId);
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_events)
            {
                _events.Add(eventId.Id);
            }
        }
    }
}
