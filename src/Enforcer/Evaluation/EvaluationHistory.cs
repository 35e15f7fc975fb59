using GpuQos.Collectors.Collection;

namespace GpuQos.Enforcer.Evaluation;

/// <summary>
/// The snapshot history one evaluation cycle reads, with each (tenant, GPU)'s usage looked up once per
/// snapshot for the whole cycle. Every policy of a tenant, and every objective of a policy, walks the same
/// series over overlapping windows; without this each walk hashes the tenant name again for every snapshot.
/// </summary>
/// <remarks>Not thread-safe: one cycle, one thread (the enforcer evaluates under its lock).</remarks>
public sealed class EvaluationHistory
{
    private readonly Dictionary<(string Tenant, int Gpu), TenantUsage?[]> _series = [];

    /// <param name="snapshots">Snapshots, oldest first, ending with the latest.</param>
    public EvaluationHistory(IReadOnlyList<HostSnapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        Snapshots = snapshots;
    }

    public IReadOnlyList<HostSnapshot> Snapshots { get; }

    /// <summary>The tenant's usage of the GPU in each snapshot (null where it had none), aligned with <see cref="Snapshots"/>.</summary>
    public TenantUsage?[] UsageOf(string tenant, int gpu)
    {
        if (!_series.TryGetValue((tenant, gpu), out var series))
        {
            series = new TenantUsage?[Snapshots.Count];
            for (var i = 0; i < series.Length; i++)
            {
                series[i] = Snapshots[i].UsageOf(tenant, gpu);
            }

            _series[(tenant, gpu)] = series;
        }

        return series;
    }
}
