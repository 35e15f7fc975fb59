using GpuQos.Enforcer.Journal;
using GpuQos.Enforcer.Tests.TestSupport;

namespace GpuQos.Enforcer.Tests.Journal;

public sealed class ActionJournalTests : IDisposable
{
    private readonly DirectoryInfo _dir = TrustedDirectory.Create("gpuqos-journal-");

    private string PathOf => Path.Combine(_dir.FullName, "state", "actions.jsonl");

    private static JournalEntry Entry(long id, string op = JournalOps.Apply, bool dryRun = false, int pid = 0) => new()
    {
        Op = op,
        Id = id,
        Action = "throttle",
        At = DateTimeOffset.UnixEpoch,
        DryRun = dryRun,
        Processes = pid > 0 ? [new JournalProcess(pid, 100 + pid)] : null,
    };

    [Fact]
    public void Outstanding_AppliesMergedRevertedAndDryRunExcluded()
    {
        using (var journal = new ActionJournal(PathOf))
        {
            journal.Append(Entry(1, pid: 10));
            journal.Append(Entry(1, pid: 11));
            journal.Append(Entry(2, pid: 20));
            journal.Append(Entry(2, JournalOps.Revert));
            journal.Append(Entry(3, dryRun: true, pid: 30));
        }

        var open = ActionJournal.Outstanding(ActionJournal.ReadAll(PathOf));
        var entry = Assert.Single(open);
        Assert.Equal(1, entry.Id);
        Assert.Equal([10, 11], entry.Processes!.Select(p => p.Pid));
    }

    [Fact]
    public void ReadAll_TornLastLine_Skipped()
    {
        using (var journal = new ActionJournal(PathOf))
        {
            journal.Append(Entry(1, pid: 10));
        }

        File.AppendAllText(PathOf, "{\"op\":\"apply\",\"id\":2,\"act");
        Assert.Single(ActionJournal.ReadAll(PathOf));
    }

    [Fact]
    public void NextId_Reopened_ContinuesAfterExistingIds()
    {
        using (var journal = new ActionJournal(PathOf))
        {
            journal.Append(Entry(journal.NextId()));
            journal.Append(Entry(journal.NextId()));
        }

        using var reopened = new ActionJournal(PathOf);
        Assert.Equal(3, reopened.NextId());
    }

    [Fact]
    public void Truncate_ThenAppend_OnlyNewEntries()
    {
        using var journal = new ActionJournal(PathOf);
        journal.Append(Entry(1));
        journal.Truncate();
        journal.Append(Entry(2));
        Assert.Equal([2L], ActionJournal.ReadAll(PathOf).Select(e => e.Id));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
