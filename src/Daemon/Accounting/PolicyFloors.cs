using GpuQos.Collectors.Accounting;
using GpuQos.Daemon.Configuration;
using GpuQos.Enforcer.Policies;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Accounting;

/// <summary>
/// Floors from the configured policies: a <c>min-sm-share</c> objective reserves its share for the policy's tenant
/// on the policy's GPUs (every GPU the tenant uses when it names none). Read from the current configuration, so a
/// reload changes what is reserved from the next cycle on, and what was counted before stays counted.
/// </summary>
/// <remarks>
/// The ledger asks once per tenant and GPU every cycle. Scanning every policy for each answer cost 6–8% of the
/// daemon's CPU on the scale host (568 tenant usages × 200 policies a cycle, docs/performance.md), so the floors
/// are indexed by tenant once per configuration and the index is rebuilt when a reload replaces it.
/// </remarks>
public sealed class PolicyFloors(IOptionsMonitor<GpuQosOptions> options) : IReservationFloors
{
    private FloorIndex? _index;

    /// <inheritdoc />
    public double FloorOf(string tenant, int gpu)
    {
        var current = options.CurrentValue;
        var index = _index;
        if (index is null || !ReferenceEquals(index.Options, current))
        {
            // Two threads may build it at once after a reload; either index is right, and the last one stays.
            index = new FloorIndex(current);
            _index = index;
        }

        if (!index.Floors.TryGetValue(tenant, out var floors))
        {
            return 0;
        }

        var floor = 0.0;
        foreach (var (gpus, share) in floors)
        {
            if (gpus.Count == 0 || gpus.Contains(gpu))
            {
                floor = Math.Max(floor, share);
            }
        }

        return floor;
    }

    /// <summary>Each tenant's <c>min-sm-share</c> floors with the GPUs they apply to, for one configuration.</summary>
    private sealed class FloorIndex
    {
        public FloorIndex(GpuQosOptions options)
        {
            Options = options;
            Floors = options.Policies
                .SelectMany(p => p.Objectives
                    .Where(o => o.Type == KnownPolicyTypes.Objectives.MinSmShare && o.Share is not null)
                    .Select(o => (p.Tenant, Gpus: (IReadOnlySet<int>)p.Gpus.ToHashSet(), Share: o.Share!.Value)))
                .GroupBy(f => f.Tenant, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(f => (f.Gpus, f.Share)).ToArray(), StringComparer.Ordinal);
        }

        public GpuQosOptions Options { get; }

        public Dictionary<string, (IReadOnlySet<int> Gpus, double Share)[]> Floors { get; }
    }
}
