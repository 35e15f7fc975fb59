using GpuQos.Collectors.Attribution.Kubelet;
using GpuQos.Model.Attribution;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GpuQos.Collectors.Attribution;

/// <summary>
/// Refreshes the attribution caches on their own schedule, never on the collection or scrape path: pods
/// from the kubelet (PodResources <c>List</c> and <c>GetAllocatableResources</c>) and the pod log directory
/// every <see cref="AttributionOptions.Refresh"/>, and procfs facts of the processes on the GPUs. A process
/// seen for the first time wakes it at once, so its labels appear from the next cycle on. An absent socket
/// is logged once; a failing kubelet once per outage; the last good pod list is kept through an outage
/// (containers outlive a kubelet restart).
/// </summary>
public sealed partial class AttributionRefresher : BackgroundService
{
    private readonly AttributionState _state;
    private readonly SnapshotStore _store;
    private readonly ProcfsReader _procfs;
    private readonly IPodResourcesSource? _kubelet;
    private readonly AttributionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AttributionRefresher> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private PodResourcesListing? _lastListing;
    private KubeletStatus _status = KubeletStatus.Unknown;

    public AttributionRefresher(
        AttributionState state,
        SnapshotStore store,
        ProcfsReader procfs,
        IEnumerable<IPodResourcesSource> kubelet,
        AttributionOptions options,
        TimeProvider time,
        ILogger<AttributionRefresher> logger)
    {
        _state = state;
        _store = store;
        _procfs = procfs;
        _kubelet = kubelet.FirstOrDefault();
        _options = options;
        _time = time;
        _logger = logger;
        _state.Wanted += Wake;
    }

    private enum KubeletStatus
    {
        Unknown,
        Up,
        Absent,
        Failing,
    }

    /// <summary>Refreshes pods and the facts of every process on the GPUs (the scheduled refresh).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await RefreshPodsAsync(cancellationToken);
        var live = new HashSet<int>();
        foreach (var gpu in _store.Latest?.Gpus ?? [])
        {
            foreach (var process in gpu.Processes)
            {
                // Backends that supply the cgroup need no procfs read.
                if (process.Reading.CgroupPath is null)
                {
                    live.Add(process.Reading.Pid);
                }
            }
        }

        live.UnionWith(_state.DrainWanted());
        Read(live);
        _state.Retain(live);
        _state.CountRefresh();
    }

    /// <summary>Reads procfs for processes seen since the last refresh that have no cached facts.</summary>
    public void ResolveWanted() => Read(_state.DrainWanted());

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting; the first refresh reads files and calls the kubelet.
        await Task.Yield();
        LogStarted(_options.Refresh.TotalSeconds, _procfs.Root, _kubelet?.Address ?? "(off)");
        var due = _time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_time.GetTimestamp() >= due)
                {
                    await RefreshAsync(stoppingToken);
                    due = _time.GetTimestamp() + (long)(_options.Refresh.TotalSeconds * _time.TimestampFrequency);
                }
                else
                {
                    ResolveWanted();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRefreshFailed(ex);
            }

            var remaining = TimeSpan.FromSeconds(Math.Max(0, due - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(remaining, _time, wait.Token);
            var wake = _wake.WaitAsync(wait.Token);
            await Task.WhenAny(delay, wake);
            await wait.CancelAsync();
            try
            {
                await Task.WhenAll(delay, wake);
            }
            catch (OperationCanceledException)
            {
                // The other of the two waits, cancelled above; or the daemon is stopping.
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _state.Wanted -= Wake;
        _wake.Dispose();
        base.Dispose();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    private void Read(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            // An unreadable process (exited, or procfs mounted with hidepid) is cached as unknown, so it is
            // not asked for again every cycle; the next scheduled refresh reads it again.
            _state.Store(pid, _procfs.Read(pid) ?? ProcessFacts.None);
        }
    }

    private async Task RefreshPodsAsync(CancellationToken cancellationToken)
    {
        if (_kubelet is not null)
        {
            if (!_kubelet.Present && _status is KubeletStatus.Unknown or KubeletStatus.Absent)
            {
                if (_status != KubeletStatus.Absent)
                {
                    LogSocketAbsent(_kubelet.Address);
                }

                _status = KubeletStatus.Absent;
                _state.KubeletUp = false;
            }
            else
            {
                try
                {
                    // A socket that vanished after the kubelet answered is a kubelet restarting (it unlinks the
                    // socket on the way down): an outage, not a node without Kubernetes.
                    if (!_kubelet.Present)
                    {
                        throw new FileNotFoundException("the socket is gone");
                    }

                    // An answer the same as the last keeps the last object, so the inventory built from it stands.
                    var listing = await _kubelet.ListAsync(cancellationToken);
                    if (!listing.SameAs(_lastListing))
                    {
                        _lastListing = listing;
                    }

                    if (_status != KubeletStatus.Up)
                    {
                        LogKubeletUp(_kubelet.Address, listing.Pods.Count);
                    }

                    _status = KubeletStatus.Up;
                    _state.KubeletUp = true;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    _state.CountKubeletError();
                    if (_status != KubeletStatus.Failing)
                    {
                        LogKubeletFailed(_kubelet.Address, ex.Message);
                    }

                    _status = KubeletStatus.Failing;
                    _state.KubeletUp = false;
                }
            }
        }

        IReadOnlyList<PodLogEntry> logs = [];
        try
        {
            logs = PodLogDirectory.Read(_options.PodLogsDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogPodLogsUnreadable(_options.PodLogsDirectory, ex.Message);
        }

        // Unchanged (no kubelet, or an answer the same as the last, and the same pod logs): the same inventory, so that
        // processes already attributed are not matched again after every refresh.
        if (!_state.Inventory.IsFrom(_lastListing, logs))
        {
            _state.Inventory = new PodInventory(_lastListing, logs);
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Attribution refreshes every {RefreshSeconds} s from procfs at {ProcfsRoot} and the kubelet at {Socket}")]
    private partial void LogStarted(double refreshSeconds, string procfsRoot, string socket);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Kubelet PodResources socket {Socket} is absent; attributing by cgroups alone (logged once)")]
    private partial void LogSocketAbsent(string socket);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Kubelet PodResources at {Socket} answered: {Pods} pods")]
    private partial void LogKubeletUp(string socket, int pods);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Kubelet PodResources at {Socket} failed: {Error}; keeping the last pod list (logged once per outage)")]
    private partial void LogKubeletFailed(string socket, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Pod log directory {Directory} is unreadable: {Error}")]
    private partial void LogPodLogsUnreadable(string directory, string error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Attribution refresh failed; collection goes on with the cached attribution")]
    private partial void LogRefreshFailed(Exception exception);
}
