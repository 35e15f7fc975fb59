using System.Diagnostics;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// Runs an <see cref="AuditPlan"/>: starts the probe workers for each pair, runs every probe, and collects
/// the results. A worker that fails costs the probe it was running (an error result), never the audit.
/// Workers run as <see cref="AuditOptions.WorkerUser"/> (when the coordinator runs as root), and each run
/// writes its own random canary.
/// </summary>
public sealed class AuditCoordinator(AuditPlan plan, WorkerLaunch launch, TimeProvider time)
{
    private readonly WorkerLaunch _launch = launch.AsUser(plan.Options.WorkerUser) with { Nice = plan.Options.WorkerNice };

    private static readonly ProbeKind[] PairProbes = [ProbeKind.Compute, ProbeKind.Bandwidth, ProbeKind.Cache, ProbeKind.Integrity, ProbeKind.Covert];

    /// <summary>Runs the audit and returns its report.</summary>
    public async Task<AuditReport> RunAsync(IProgress<AuditStep>? progress, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var probes = plan.Probes;
        var pairProbes = probes.Where(PairProbes.Contains).ToList();
        var total = (plan.Pairs.Count * (pairProbes.Count + (probes.Contains(ProbeKind.Remanence) ? 1 : 0)))
            + (probes.Contains(ProbeKind.Capacity) ? plan.Partitions.Count : 0);
        var done = 0;
        var results = new List<ProbeResult>();
        var canary = MemoryProbes.NewCanary();
        var launch = _launch;

        void Step(string what) => progress?.Report(new AuditStep(what, done, total));

        foreach (var (victim, aggressor) in plan.Pairs)
        {
            WorkerClient? v = null;
            WorkerClient? a = null;
            try
            {
                foreach (var probe in pairProbes)
                {
                    Step($"{TimingProbe.Name(probe)}: {victim.Name} beside {aggressor.Name}");
                    try
                    {
                        v ??= await WorkerClient.StartAsync(launch, victim, plan.Options.WorkerTimeout, limitMemory: false, ct);
                        a ??= await WorkerClient.StartAsync(launch, aggressor, plan.Options.WorkerTimeout, limitMemory: false, ct);
                        results.Add(probe switch
                        {
                            ProbeKind.Integrity => await MemoryProbes.IntegrityAsync(v, a, plan, canary, ct),
                            ProbeKind.Covert => await CovertChannelProbe.RunAsync(v, a, plan, ct),
                            _ => await TimingProbe.RunAsync(probe, v, a, plan, ct),
                        });
                    }
                    catch (ProbeWorkerException ex)
                    {
                        results.Add(Error(probe, victim, aggressor, ex.Message));

                        // A worker in an unknown state would spoil the next probe: start fresh ones.
                        await DisposeAsync(v, a);
                        (v, a) = (null, null);
                    }

                    done++;
                }
            }
            finally
            {
                await DisposeAsync(v, a);
            }

            if (probes.Contains(ProbeKind.Remanence))
            {
                Step($"remanence: {aggressor.Name} then {victim.Name}");
                results.Add(await Guarded(ProbeKind.Remanence, victim, aggressor, () => MemoryProbes.RemanenceAsync(launch, victim, aggressor, plan, canary, ct)));
                done++;
            }
        }

        if (probes.Contains(ProbeKind.Capacity))
        {
            foreach (var partition in plan.Partitions)
            {
                Step($"capacity: {partition.Name}");
                results.Add(await Guarded(ProbeKind.Capacity, partition, null, () => MemoryProbes.CapacityAsync(launch, partition, plan, ct)));
                done++;
            }
        }

        Step("done");
        return new AuditReport
        {
            StartedAt = started,
            DurationSeconds = clock.Elapsed.TotalSeconds,
            Host = Environment.MachineName,
            Backend = plan.Backend,
            Accelerator = plan.Accelerator,
            Notes = plan.Notes,
            Warmup = plan.Options.Warmup,
            Repetitions = plan.Options.Repetitions,
            Partitions = plan.Partitions,
            Results = results,
        };
    }

    private static async Task<ProbeResult> Guarded(ProbeKind probe, AuditPartition victim, AuditPartition? aggressor, Func<Task<ProbeResult>> run)
    {
        try
        {
            return await run();
        }
        catch (ProbeWorkerException ex)
        {
            return Error(probe, victim, aggressor, ex.Message);
        }
    }

    private static ProbeResult Error(ProbeKind probe, AuditPartition victim, AuditPartition? aggressor, string message) => new()
    {
        Probe = TimingProbe.Name(probe),
        Gpu = victim.Gpu,
        Victim = victim.Name,
        Aggressor = aggressor?.Name ?? "",
        Mode = victim.Mode,
        Verdict = ProbeVerdicts.Error,
        Summary = message,
    };

    private static async Task DisposeAsync(WorkerClient? v, WorkerClient? a)
    {
        if (v is not null)
        {
            await v.DisposeAsync();
        }

        if (a is not null)
        {
            await a.DisposeAsync();
        }
    }
}
