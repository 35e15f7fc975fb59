using System.Globalization;
using System.Security.Cryptography;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>Capacity, remanence and integrity: the probes that look at memory rather than time.</summary>
internal static class MemoryProbes
{
    /// <summary>
    /// A fresh canary for one audit run. It must be secret until the run is over: with a public constant, a
    /// co-tenant could plant it in memory the victim will get (a false fail), or take the freed memory first
    /// (a false pass). Values whose bytes are all equal (zeroes, 0xFF fill) are drawn again: memory holds them by accident.
    /// </summary>
    public static long NewCanary()
    {
        while (true)
        {
            var bytes = RandomNumberGenerator.GetBytes(sizeof(long));
            if (bytes.Distinct().Count() > 1)
            {
                return BitConverter.ToInt64(bytes);
            }
        }
    }

    /// <summary>
    /// Allocates in steps in a fresh worker (with the partition's RLIMIT_AS on the CPU) until allocation
    /// fails. Fails when the partition could take more than its memory plus one step. <paramref name="enforceLimit"/>
    /// false leaves the worker unbounded: the control that shows the probe notices a limit nobody enforces.
    /// </summary>
    public static async Task<ProbeResult> CapacityAsync(WorkerLaunch launch, AuditPartition partition, AuditPlan plan, CancellationToken ct, bool enforceLimit = true)
    {
        var step = plan.Sizes.CapacityStepBytes;
        var ceiling = partition.MemoryBytes > 0 ? (partition.MemoryBytes * 2) + step : 64L << 30;
        await using var worker = await WorkerClient.StartAsync(launch, partition, plan.Options.WorkerTimeout, limitMemory: enforceLimit, ct);
        var found = (await worker.SendAsync(new WorkerRequest { Op = WorkerOps.Capacity, StepBytes = step, Size = ceiling }, ct)).Value;
        var values = new Dictionary<string, double> { ["allocated_bytes"] = found, ["limit_bytes"] = partition.MemoryBytes, ["step_bytes"] = step };
        string verdict;
        string summary;
        if (partition.MemoryBytes <= 0)
        {
            verdict = ProbeVerdicts.Reported;
            summary = $"{partition.Name} allocated {Mib(found)} before allocation failed; its memory size is unknown, so nothing to compare with";
        }
        else
        {
            verdict = found > partition.MemoryBytes + step ? ProbeVerdicts.Failed : ProbeVerdicts.Passed;
            summary = $"{partition.Name} allocated {Mib(found)} before allocation failed; its limit is {Mib(partition.MemoryBytes)}"
                + (verdict == ProbeVerdicts.Failed ? ": the limit does not hold" : "");
        }

        return new ProbeResult
        {
            Probe = "capacity", Gpu = partition.Gpu, Victim = partition.Name, Mode = partition.Mode,
            Verdict = verdict, Summary = summary, Threshold = partition.MemoryBytes + step, Values = values,
        };
    }

    /// <summary>
    /// The writer (aggressor's partition) fills memory with the canary, frees it and exits; then a fresh
    /// worker in the victim's partition allocates memory and scans it uninitialised.
    /// </summary>
    public static async Task<ProbeResult> RemanenceAsync(WorkerLaunch launch, AuditPartition victim, AuditPartition aggressor, AuditPlan plan, long canary, CancellationToken ct)
    {
        var bytes = plan.Sizes.RemanenceBytes;
        await using (var writer = await WorkerClient.StartAsync(launch, aggressor, plan.Options.WorkerTimeout, limitMemory: false, ct))
        {
            await writer.SendAsync(new WorkerRequest { Op = WorkerOps.CanaryWrite, Size = bytes, Pattern = canary }, ct);
        }

        await using var reader = await WorkerClient.StartAsync(launch, victim, plan.Options.WorkerTimeout, limitMemory: false, ct);
        var hits = (await reader.SendAsync(new WorkerRequest { Op = WorkerOps.CanaryScan, Size = bytes, Pattern = canary }, ct)).Value;
        return Remanence(victim, aggressor, hits, bytes, "after the writer's process exited");
    }

    /// <summary>
    /// The same scan inside one process that wrote, freed and allocated again: the control that shows the
    /// probe finds a canary where memory is reused without scrubbing.
    /// </summary>
    public static async Task<ProbeResult> RemanenceWithinProcessAsync(WorkerLaunch launch, AuditPartition partition, AuditPlan plan, CancellationToken ct)
    {
        var bytes = plan.Sizes.RemanenceBytes;
        var canary = NewCanary();
        await using var worker = await WorkerClient.StartAsync(launch, partition, plan.Options.WorkerTimeout, limitMemory: false, ct);

        // Warm up the scan first: compiling its kernel after the free would allocate from the freed memory.
        await worker.SendAsync(new WorkerRequest { Op = WorkerOps.CanaryScan, Size = bytes, Pattern = canary }, ct);

        // The runtime's own threads (GC, JIT, the accelerator's) may take the freed block before the scan does,
        // so the control gets a few tries; the cross-process probe gets exactly one chance, like a real tenant.
        long hits = 0;
        for (var attempt = 0; attempt < 3 && hits == 0; attempt++)
        {
            await worker.SendAsync(new WorkerRequest { Op = WorkerOps.CanaryWrite, Size = bytes, Pattern = canary }, ct);
            hits = (await worker.SendAsync(new WorkerRequest { Op = WorkerOps.CanaryScan, Size = bytes, Pattern = canary }, ct)).Value;
        }

        return Remanence(partition, partition, hits, bytes, "within one process");
    }

    /// <summary>The victim checksums its memory repeatedly while the aggressor storms its own memory with writes.</summary>
    public static async Task<ProbeResult> IntegrityAsync(WorkerClient victim, WorkerClient aggressor, AuditPlan plan, long canary, CancellationToken ct)
    {
        var bytes = plan.Sizes.IntegrityBytes;
        await aggressor.SendAsync(new WorkerRequest { Op = WorkerOps.Aggress, Kernel = "storm", Size = bytes }, ct);
        long mismatches;
        try
        {
            mismatches = (await victim.SendAsync(new WorkerRequest { Op = WorkerOps.Integrity, Size = bytes, Repetitions = 20, Pattern = canary }, ct)).Value;
        }
        finally
        {
            await aggressor.SendAsync(new WorkerRequest { Op = WorkerOps.Stop }, ct);
        }

        return new ProbeResult
        {
            Probe = "integrity", Gpu = victim.Partition.Gpu, Victim = victim.Partition.Name, Aggressor = aggressor.Partition.Name, Mode = victim.Partition.Mode,
            Verdict = mismatches > 0 ? ProbeVerdicts.Failed : ProbeVerdicts.Passed, Threshold = 0,
            Summary = $"{victim.Partition.Name} checked {Mib(bytes)} 20 times under {aggressor.Partition.Name}'s write storm: {mismatches} word(s) changed",
            Values = new Dictionary<string, double> { ["mismatched_words"] = mismatches, ["checked_bytes"] = bytes, ["passes"] = 20 },
        };
    }

    private static ProbeResult Remanence(AuditPartition victim, AuditPartition writer, long hits, long bytes, string how) => new()
    {
        Probe = "remanence", Gpu = victim.Gpu, Victim = victim.Name, Aggressor = writer.Name, Mode = victim.Mode,
        Verdict = hits > 0 ? ProbeVerdicts.Failed : ProbeVerdicts.Passed, Threshold = 0,
        Summary = $"{victim.Name} found {hits} canary word(s) written by {writer.Name} in {Mib(bytes)} of uninitialised memory {how}",
        Values = new Dictionary<string, double> { ["canary_words"] = hits, ["scanned_bytes"] = bytes },
    };

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture) + " MiB";
}
