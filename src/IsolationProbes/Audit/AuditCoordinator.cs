using System.Diagnostics;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Audit;

/// <summary>
/// Runs an <see cref="AuditPlan"/>: checks that the probes can run on each device (the preflight), starts the
/// probe workers for each pair, runs every probe, and collects the results. A worker that fails costs the
/// probe it was running (an error result), never the audit.
/// Workers run as <see cref="AuditOptions.WorkerUser"/> (when the coordinator runs as root), and each run
/// writes its own random canary.
/// </summary>
/// <param name="plan">What to probe.</param>
/// <param name="launch">How to start a probe worker.</param>
/// <param name="time">The clock of the report.</param>
/// <param name="preflight">The accelerator check; by default a preflight worker per device.</param>
public sealed class AuditCoordinator(AuditPlan plan, WorkerLaunch launch, TimeProvider time, IAcceleratorPreflight? preflight = null)
{
    private readonly WorkerLaunch _launch = launch.AsUser(plan.Options.WorkerUser) with { Nice = plan.Options.WorkerNice };

    private static readonly ProbeKind[] PairProbes = [ProbeKind.Compute, ProbeKind.Bandwidth, ProbeKind.Cache, ProbeKind.Integrity, ProbeKind.Covert];

    /// <summary>Runs the audit and returns its report.</summary>
    /// <exception cref="AuditPlanException">A device cannot run the probes (the preflight failed); no worker was placed.</exception>
    public async Task<AuditReport> RunAsync(IProgress<AuditStep>? progress, CancellationToken ct)
    {
        progress?.Report(new AuditStep("preflight: checking the accelerator", 0, 1));
        await PreflightAsync(ct);
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

    /// <summary>
    /// One check per device (a GPU's MIG instances share its compiler target; CPU partitions share ILGPU's CPU
    /// accelerator), before any worker is placed: a GPU this ILGPU cannot compile for fails the audit with its
    /// name and the reason instead of crashing every worker.
    /// </summary>
    private async Task PreflightAsync(CancellationToken ct)
    {
        // _launch, not the constructor's launch: the preflight worker compiles and runs a kernel like any other
        // worker, so it runs as audit.workerUser too, never as the daemon's root.
        var check = preflight ?? new WorkerPreflight(_launch, plan.Options.WorkerTimeout);
        foreach (var partition in plan.Partitions.DistinctBy(p => (p.Accelerator, p.Gpu)))
        {
            var readiness = await check.CheckAsync(partition, ct);
            if (!readiness.Ready)
            {
                var where = partition.Accelerator == Kernels.AcceleratorChoice.Cuda ? $"GPU {partition.Gpu}, {readiness.DeviceLabel}" : readiness.DeviceLabel;
                throw new AuditPlanException($"the probes cannot run on {where} ({partition.Name}): {readiness.Detail}");
            }
        }
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
