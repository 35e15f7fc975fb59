using GpuQos.Collectors.Accounting;
using GpuQos.Model.Devices;
using Xunit.Abstractions;
using static GpuQos.Collectors.Tests.Accounting.LedgerSnapshots;

namespace GpuQos.Collectors.Tests.Accounting;

/// <summary>
/// The accounting goal of issue 23: collection every 1 s, scrapes every 60 s, and used GPU-hours per tenant
/// within 1% of what the workload really used. The gauge-based figure (the mean of the scraped share times the
/// range, what <c>avg_over_time</c> gives) is computed beside it.
/// </summary>
public sealed class ScrapeAccuracyTests(ITestOutputHelper output)
{
    private const int Seconds = 6 * 3600;
    private const int ScrapeEvery = 60;

    [Fact]
    public void CounterIncreaseOverScrapes_IsWithinOnePercentOfTheWorkload_WhereTheGaugeIsNot()
    {
        var jobs = Workload();
        var ledger = new UsageLedger(TimeSpan.FromSeconds(1));
        var scraped = new List<(IReadOnlyDictionary<string, double> Counter, IReadOnlyDictionary<string, double> Gauge)>();
        for (var t = 0; t <= Seconds; t++)
        {
            // What NVML reports at t: each process's busy fraction over the second just ended.
            var processes = jobs.Select((j, i) => (j, i)).Where(x => x.j.Start < t && x.j.End > t - 1)
                .Select(x => Process(x.i + 100, x.j.Tenant, 1L << 30, x.j.Share * (Math.Min(t, x.j.End) - Math.Max(t - 1, x.j.Start))))
                .ToList();
            var snapshot = At(t, SharingMode.TimeSliced, [], processes);
            ledger.Integrate(snapshot);
            if (t % ScrapeEvery == 0)
            {
                scraped.Add((ledger.Accounts.ToDictionary(a => a.Tenant, a => a.SmSeconds), snapshot.Tenants.ToDictionary(u => u.Tenant, u => u.SmShare ?? 0)));
            }
        }

        foreach (var tenant in jobs.Select(j => j.Tenant).Distinct())
        {
            var truth = jobs.Where(j => j.Tenant == tenant).Sum(j => j.Share * (Math.Min(j.End, Seconds) - Math.Max(j.Start, 0)));
            var counter = scraped[^1].Counter.GetValueOrDefault(tenant) - scraped[0].Counter.GetValueOrDefault(tenant);
            var gauge = scraped.Average(s => s.Gauge.GetValueOrDefault(tenant)) * Seconds;
            output.WriteLine($"{tenant}: truth {truth / 3600:F4} GPU-h, counter {counter / 3600:F4} GPU-h ({Error(counter, truth):P3}), gauge {gauge / 3600:F4} GPU-h ({Error(gauge, truth):P3})");
            Assert.True(Math.Abs(Error(counter, truth)) < 0.01, $"{tenant}: counter {counter} s against truth {truth} s");
            if (tenant == "cron")
            {
                // Its jobs run between scrapes: the gauge never sees them.
                Assert.True(Math.Abs(Error(gauge, truth)) > 0.5, $"cron: gauge {gauge} s against truth {truth} s");
            }
        }
    }

    private static double Error(double measured, double truth) => (measured - truth) / truth;

    /// <summary>Jobs starting and ending at arbitrary instants, plus a cron job that runs 20 s between scrapes every minute.</summary>
    private static List<(string Tenant, double Start, double End, double Share)> Workload()
    {
        var random = new Random(23);
        var jobs = new List<(string, double, double, double)>();
        foreach (var tenant in new[] { "search", "train" })
        {
            for (var start = random.NextDouble() * 120; start < Seconds; start += random.NextDouble() * 600)
            {
                var end = start + 5 + (random.NextDouble() * 300);
                jobs.Add((tenant, start, end, new[] { 0.25, 0.5, 1.0 }[random.Next(3)]));
                start = end;
            }
        }

        for (var minute = 0; minute < Seconds / 60; minute++)
        {
            jobs.Add(("cron", (minute * 60) + 20.5, (minute * 60) + 40.5, 0.8));
        }

        return jobs;
    }
}
