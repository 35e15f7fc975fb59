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
public sealed class PolicyFloors(IOptionsMonitor<GpuQosOptions> options) : IReservationFloors
{
    /// <inheritdoc />
    public double FloorOf(string tenant, int gpu)
    {
        var floor = 0.0;
        foreach (var policy in options.CurrentValue.Policies)
        {
            if (!string.Equals(policy.Tenant, tenant, StringComparison.Ordinal) || (policy.Gpus.Count > 0 && !policy.Gpus.Contains(gpu)))
            {
                continue;
            }

            foreach (var objective in policy.Objectives)
            {
                if (objective.Type == KnownPolicyTypes.Objectives.MinSmShare && objective.Share is { } share)
                {
                    floor = Math.Max(floor, share);
                }
            }
        }

        return floor;
    }
}
