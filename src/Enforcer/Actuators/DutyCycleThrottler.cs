namespace GpuQos.Enforcer.Actuators;

/// <summary>
/// Holds real processes to a duty cycle with SIGSTOP/SIGCONT: in each period a process runs for
/// <c>duty × period</c> and is stopped for the rest. Work a process already queued on the GPU still drains
/// while it is stopped, which is why the duty cycle is closed in a feedback loop (<see cref="Planning.ShareController"/>)
/// rather than trusted open-loop. Every signal goes through a pidfd opened for the process's start time
/// (<see cref="PidFd"/>), so a PID that was reused is never signalled; released and disposed processes are
/// always continued.
/// </summary>
public sealed class DutyCycleThrottler : IDisposable
{
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly string _procRoot;
    private readonly Dictionary<int, Entry> _entries = [];
    private readonly Lock _lock = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private bool _disposed;
    private bool _started;

    /// <summary>Creates the throttler; its thread starts with the first process it holds.</summary>
    public DutyCycleThrottler(TimeSpan period, TimeProvider time, string procRoot = "/proc")
    {
        _period = period;
        _time = time;
        _procRoot = procRoot;
        _thread = new Thread(Run) { IsBackground = true, Name = "gpuqos-duty-cycle", Priority = ThreadPriority.Highest };
    }

    /// <summary>Processes currently held to a duty cycle below 1.</summary>
    public IReadOnlyList<(ProcessKey Process, double Duty)> Throttled
    {
        get
        {
            lock (_lock)
            {
                return _entries.Values.Select(e => (e.Key, e.Duty)).ToList();
            }
        }
    }

    /// <summary>Sets a process's duty cycle; 1 (or more) releases it and continues it at once.</summary>
    public void Set(ProcessKey process, double duty)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (duty >= 1)
            {
                // Continue even a process this instance never stopped: recovery after a crash releases through here.
                _entries.Remove(process.Pid);
                Continue(process, _procRoot);
                return;
            }

            if (_entries.TryGetValue(process.Pid, out var entry) && entry.Key != process)
            {
                // The PID now names another process: forget the old one without signalling anything.
                _entries.Remove(process.Pid);
            }

            _entries[process.Pid] = new Entry(process, Math.Max(0, duty));
            if (!_started)
            {
                _started = true;
                _thread.Start();
            }
        }
    }

    /// <summary>Releases every process and stops the thread.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stop.Set();
        }

        if (_started)
        {
            _thread.Join();
        }

        lock (_lock)
        {
            foreach (var e in _entries.Values)
            {
                Continue(e.Key);
            }

            _entries.Clear();
        }

        _stop.Dispose();
    }

    /// <summary>Sends SIGCONT; a process that is gone is not an error.</summary>
    internal static bool Continue(ProcessKey process, string procRoot = "/proc") => Signal(process, Libc.SigCont, procRoot);

    /// <summary>
    /// Sends a signal through a pidfd opened for <paramref name="process"/> (see <see cref="PidFd"/>); false when the
    /// process is gone or the PID now names another process, which is never signalled.
    /// </summary>
    internal static bool Signal(ProcessKey process, int signal, string procRoot = "/proc")
    {
        using var held = PidFd.Open(process, procRoot);
        return held is not null && held.Signal(signal);
    }

    private void Run()
    {
        var start = _time.GetTimestamp();
        long cycle = 0;
        var due = new List<(long At, Entry Entry)>();
        var retired = new List<int>();
        while (!_stop.IsSet)
        {
            var periodStart = start + (long)(cycle * _period.TotalSeconds * _time.TimestampFrequency);
            due.Clear();
            retired.Clear();
            lock (_lock)
            {
                foreach (var e in _entries.Values)
                {
                    // One read of /proc per process and period. A process that exited (or became a zombie, or whose
                    // PID now names another process) mid-throttle is retired: nothing is signalled for it again.
                    if (ProcStat.Read(e.Key.Pid, _procRoot) is not { } stat || stat.StartTime != e.Key.StartTime || stat.State is 'Z' or 'X')
                    {
                        retired.Add(e.Key.Pid);
                        continue;
                    }

                    // Run phase first: continue every throttled process, then stop each when its share of the period is used.
                    if (e.Duty > 0 && !TrySignal(e.Key, Libc.SigCont))
                    {
                        retired.Add(e.Key.Pid);
                        continue;
                    }

                    due.Add((periodStart + (long)(e.Duty * _period.TotalSeconds * _time.TimestampFrequency), e));
                }

                foreach (var pid in retired)
                {
                    _entries.Remove(pid);
                }
            }

            due.Sort((a, b) => a.At.CompareTo(b.At));
            foreach (var (at, entry) in due)
            {
                if (!WaitUntil(at))
                {
                    return;
                }

                lock (_lock)
                {
                    // Only stop what is still registered under the same key (not released or replaced meanwhile).
                    if (!_disposed && _entries.TryGetValue(entry.Key.Pid, out var current) && current.Key == entry.Key)
                    {
                        TrySignal(entry.Key, Libc.SigStop);
                    }
                }
            }

            cycle++;
            var next = start + (long)(cycle * _period.TotalSeconds * _time.TimestampFrequency);
            if (_time.GetTimestamp() > next + (long)(_period.TotalSeconds * _time.TimestampFrequency))
            {
                // Fell behind (the host was suspended or overloaded): restart the cadence instead of racing to catch up.
                start = _time.GetTimestamp();
                cycle = 0;
                next = start;
            }

            if (!WaitUntil(next))
            {
                return;
            }
        }
    }

    /// <summary>A signal from the duty-cycle thread, which must never die of one that fails: the process is then retired.</summary>
    private bool TrySignal(ProcessKey process, int signal)
    {
        try
        {
            return Signal(process, signal, _procRoot);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private bool WaitUntil(long timestamp)
    {
        var remaining = (timestamp - _time.GetTimestamp()) / (double)_time.TimestampFrequency;
        return remaining <= 0 ? !_stop.IsSet : !_stop.Wait(TimeSpan.FromSeconds(remaining));
    }

    private sealed record Entry(ProcessKey Key, double Duty);
}
