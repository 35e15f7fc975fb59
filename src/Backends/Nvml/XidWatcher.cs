using GpuQos.Backends.Nvml.Interop;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// Waits for XID critical-error events on a background thread (<c>nvmlEventSetWait_v2</c> blocks), and keeps
/// a count and the last XID per GPU for the health reading. GPUs that cannot register for XID events are
/// left out; the watcher does not run when none can.
/// </summary>
internal sealed class XidWatcher : IDisposable
{
    private readonly Dictionary<nint, int> _indexByHandle = [];
    private readonly long[] _counts;
    private readonly int?[] _last;
    private readonly Dictionary<int, long>[] _byCode;
    private readonly Lock _lock = new();
    private readonly uint _timeoutMs;
    private readonly Thread? _thread;
    private nint _set;
    private readonly ManualResetEventSlim _stop = new();

    public XidWatcher(IReadOnlyList<NvmlGpu> gpus, TimeSpan waitTimeout)
    {
        _counts = new long[gpus.Count];
        _last = new int?[gpus.Count];
        _byCode = [.. gpus.Select(_ => new Dictionary<int, long>())];
        _timeoutMs = (uint)Math.Clamp(waitTimeout.TotalMilliseconds, 10, 5000);
        if (NvmlNative.nvmlEventSetCreate(out _set) != NvmlReturn.Success)
        {
            _set = 0;
            return;
        }

        foreach (var g in gpus.Where(g => g.Handle != 0))
        {
            if (NvmlNative.nvmlDeviceRegisterEvents(g.Handle, NvmlEventData.XidCriticalError, _set) == NvmlReturn.Success)
            {
                _indexByHandle[g.Handle] = g.Index;
            }
        }

        if (_indexByHandle.Count == 0)
        {
            _ = NvmlNative.nvmlEventSetFree(_set);
            _set = 0;
            return;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "gpuqos-nvml-xid" };
        _thread.Start();
    }

    /// <summary>XIDs seen on the GPU since start, the last one, and the count of each code.</summary>
    public (long Total, int? Last, IReadOnlyDictionary<int, long> ByCode) Read(int gpu)
    {
        lock (_lock)
        {
            return (_counts[gpu], _last[gpu], new Dictionary<int, long>(_byCode[gpu]));
        }
    }

    public void Dispose()
    {
        _stop.Set();

        // The wait returns within its timeout; only then is the set safe to free.
        if (_thread is null || _thread.Join(TimeSpan.FromMilliseconds(_timeoutMs * 4L)))
        {
            if (_set != 0)
            {
                _ = NvmlNative.nvmlEventSetFree(_set);
                _set = 0;
            }

            _stop.Dispose();
        }
    }

    private void Run()
    {
        while (!_stop.IsSet)
        {
            var code = NvmlNative.nvmlEventSetWait_v2(_set, out var data, _timeoutMs);
            if (code == NvmlReturn.Success)
            {
                if ((data.EventType & NvmlEventData.XidCriticalError) != 0 && _indexByHandle.TryGetValue(data.Device, out var gpu))
                {
                    lock (_lock)
                    {
                        _counts[gpu]++;
                        _last[gpu] = (int)data.EventData;
                        _byCode[gpu][(int)data.EventData] = _byCode[gpu].GetValueOrDefault((int)data.EventData) + 1;
                    }
                }
            }
            else if (code != NvmlReturn.Timeout)
            {
                // A lost GPU or a driver problem: back off rather than spin; the collectors report the GPU's state.
                _stop.Wait((int)_timeoutMs);
            }
        }
    }
}
