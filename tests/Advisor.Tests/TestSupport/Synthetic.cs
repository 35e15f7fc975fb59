using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Tests.TestSupport;

/// <summary>Synthetic histories: tenants with given demand quantiles, memory peaks and SLA records.</summary>
internal static class Synthetic
{
    public const long GiB = 1L << 30;

    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static DemandStats Demand(double p50, double p95, double p99, double? max = null) => new(p50, p95, p99, max ?? Math.Min(1, p99 * 1.1), 10_000);

    public static TenantEvidence Tenant(string name, DemandStats demand, double memoryGiB, double? breachesPerDay = null, double breachFraction = 0) =>
        new(name, demand, (long)(memoryGiB * GiB), breachesPerDay is { } b
            ? new SlaEvidence(1, b * 7, breachFraction * Week.TotalSeconds, 0, Week)
            : new SlaEvidence(0, 0, 0, null, Week));

    public static GpuEvidence Gpu(GpuModel model, SharingMode mode, params TenantEvidence[] tenants) =>
        new(0, "GPU-synthetic-0", model.ProductName, mode, [], tenants, null, new AuditEvidence(null, true, null));

    public static AdvisorEvidence Host(params GpuEvidence[] gpus) => new("synthetic:9450", "test", Week, gpus, []);
}
