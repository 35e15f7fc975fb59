using BenchmarkDotNet.Attributes;
using GpuQos.Enforcer.Journal;

namespace GpuQos.Benchmarks;

/// <summary>One journal append: a throttle of 64 processes, serialized, written and fsynced (the enforcer journals before it acts).</summary>
[MemoryDiagnoser]
public class JournalBenchmarks : IDisposable
{
    private DirectoryInfo _dir = null!;
    private ActionJournal _journal = null!;
    private JournalEntry _entry = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("gpuqos-bench-");
        _journal = new ActionJournal(Path.Combine(_dir.FullName, "actions.jsonl"));
        _entry = new JournalEntry
        {
            Op = JournalOps.Apply,
            Id = 1,
            Action = "throttle",
            At = DateTimeOffset.UnixEpoch,
            Policy = "tenant17-floor",
            Tenant = "tenant17",
            Gpu = 9,
            ProcessKind = "signal",
            Processes = [.. Enumerable.Range(0, 64).Select(i => new JournalProcess(10_000 + i, 1_000_000 + i))],
            Detail = "duty cycle 0.40 over 100 ms",
        };
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _journal.Dispose();
        _dir.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public void Append() => _journal.Append(_entry);
}
