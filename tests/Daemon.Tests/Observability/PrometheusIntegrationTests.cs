using System.Diagnostics;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// The dashboards and rules against a real Prometheus scraping the demo daemon: every panel query parses and
/// returns data, every variable lists values, every rule loads and evaluates. Families listed in
/// <see cref="PendingFamilies"/> are the only ones allowed to lack data, and they are reported by name.
/// </summary>
public sealed class PrometheusIntegrationTests(DemoStack stack, ITestOutputHelper output) : IClassFixture<DemoStack>
{
    // Recording rules evaluate every second; give a freshly started Prometheus a few evaluations.
    private static readonly TimeSpan DataDeadline = TimeSpan.FromSeconds(20);

    [RequiresPrometheusFact("prometheus")]
    public async Task Dashboards_EveryPanelQuery_ParsesAndReturnsData()
    {
        var prometheus = await stack.PrometheusAsync();
        var pending = PendingSeries();
        var queries = DashboardFiles.Load().SelectMany(d => DashboardFiles.PanelQueries(d.File, d.Json)).ToList();
        Assert.NotEmpty(queries);

        var problems = await CheckAsync(queries, q => prometheus.QueryAsync(PromQl.Substitute(q.Expr)), pending);
        Assert.True(problems.Count == 0, $"{problems.Count} of {queries.Count} panel queries fail:\n" + string.Join("\n", problems));
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task Dashboards_EveryQueryVariable_ListsValues()
    {
        var prometheus = await stack.PrometheusAsync();
        var pending = PendingSeries();
        var variables = DashboardFiles.Load()
            .SelectMany(d => DashboardFiles.Variables(d.Json).Select(v => (d.File, Variable: v, Values: DashboardFiles.LabelValues(v))))
            .Where(x => x.Values is not null)
            .ToList();
        Assert.NotEmpty(variables);

        var queries = variables.Select(v => new DashboardQuery(v.File, $"variable {v.Variable["name"]}", v.Values!.Value.Label, v.Values.Value.Selector, null)).ToList();
        var problems = await CheckAsync(queries, async q =>
        {
            var values = await prometheus.LabelValuesAsync(PromQl.Substitute(q.Expr), q.RefId);
            return new QueryResult(null, values.Count, null);
        }, pending);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task Rules_EveryExpression_ParsesLoadsAndEvaluates()
    {
        var prometheus = await stack.PrometheusAsync();
        var rules = RuleFiles.Load();
        var problems = new List<string>();
        foreach (var rule in rules)
        {
            if ((await prometheus.QueryAsync(rule.Expr)).Error is { } error)
            {
                problems.Add($"{rule.File} / {rule.Name}: {error}");
            }
        }

        var loaded = await prometheus.RulesAsync();
        problems.AddRange(rules.Select(r => r.Name).Except(loaded.Select(l => l.Name)).Select(n => $"{n}: not loaded by Prometheus"));
        problems.AddRange(loaded.Where(l => l.Health == "err").Select(l => $"{l.Name}: evaluation failed: {l.Error}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task Rules_OnAHealthyDemoHost_NoAlertFires()
    {
        var prometheus = await stack.PrometheusAsync();
        // Only firing counts: the demo's noisy neighbour may legitimately put an SLA alert in pending.
        var firing = await prometheus.LabelValuesAsync("ALERTS{alertstate=\"firing\"}", "alertname");
        Assert.True(firing.Count == 0, "alerts firing on the healthy demo host: " + string.Join(", ", firing));
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task PendingFamilies_AreStillAbsent()
    {
        var prometheus = await stack.PrometheusAsync();
        var landed = new List<string>();
        foreach (var family in PendingFamilies.All.Keys)
        {
            if ((await prometheus.QueryAsync($"count({{__name__=\"{family}\", job=\"gpuqos\"}})")).Count > 0)
            {
                landed.Add(family);
            }
        }

        Assert.True(landed.Count == 0, "these families have landed; delete them from PendingFamilies so the dashboards are proven against them: " + string.Join(", ", landed));
    }

    /// <summary>Families not on the demo host yet, and the recording rules built on them.</summary>
    private static HashSet<string> PendingSeries()
    {
        var pending = PendingFamilies.All.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var rule in RuleFiles.Load().Where(r => r.Record is not null))
        {
            if (PromQl.MetricNames(rule.Expr).Any(pending.Contains))
            {
                pending.Add(rule.Record!);
            }
        }

        return pending;
    }

    // Runs every query until it has data or the deadline passes; a query with a pending family may stay empty.
    private async Task<List<string>> CheckAsync(IReadOnlyList<DashboardQuery> queries, Func<DashboardQuery, Task<QueryResult>> run, IReadOnlySet<string> pending)
    {
        var problems = new List<string>();
        var waiting = queries.ToList();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var empty = new List<DashboardQuery>();
            foreach (var q in waiting)
            {
                var result = await run(q);
                if (result.Error is { } error)
                {
                    problems.Add($"{q} does not parse: {error}");
                }
                else if (result.Count == 0)
                {
                    empty.Add(q);
                }
            }

            // Queries on pending families stay empty however long we wait; only the others are worth a retry.
            var worthRetry = empty.Any(q => !PromQl.MetricNames(q.Expr).Any(pending.Contains));
            if (!worthRetry || deadline.Elapsed > DataDeadline)
            {
                foreach (var q in empty)
                {
                    var waitingOn = PromQl.MetricNames(q.Expr).Where(pending.Contains).ToList();
                    if (waitingOn.Count > 0)
                    {
                        output.WriteLine($"pending (no data until {string.Join(", ", waitingOn)} land): {q}");
                    }
                    else
                    {
                        problems.Add($"{q} returns no data");
                    }
                }

                return problems;
            }

            waiting = empty;
            await Task.Delay(1000);
        }
    }
}
