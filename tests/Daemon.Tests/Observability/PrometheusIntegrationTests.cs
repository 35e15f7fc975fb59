using System.Diagnostics;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// The dashboards and rules against a real Prometheus scraping the demo daemon: every panel query parses and
/// returns data, every variable lists values, every rule loads and evaluates. The demo daemon runs a quick
/// scheduled CPU audit (<see cref="DemoStack"/>), so the audit panels are checked against real series too.
/// </summary>
public sealed partial class PrometheusIntegrationTests(DemoStack stack) : IClassFixture<DemoStack>
{
    // Recording rules evaluate every second; give a freshly started Prometheus a few evaluations.
    private static readonly TimeSpan DataDeadline = TimeSpan.FromSeconds(20);

    [RequiresPrometheusFact("prometheus")]
    public async Task Dashboards_EveryPanelQuery_ParsesAndReturnsData()
    {
        var prometheus = await stack.PrometheusAsync();
        var queries = DashboardFiles.Load().SelectMany(d => DashboardFiles.PanelQueries(d.File, d.Json)).ToList();
        Assert.NotEmpty(queries);

        var problems = await CheckAsync(queries, q => prometheus.QueryAsync(PromQl.Substitute(q.Expr)));
        Assert.True(problems.Count == 0, $"{problems.Count} of {queries.Count} panel queries fail:\n" + string.Join("\n", problems));
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task Dashboards_EveryLegendLabel_ExistsOnItsQuerysResult()
    {
        // A legend naming a label the query's series do not carry ({{probe}} on a metric without it) draws every
        // series under the same name.
        var prometheus = await stack.PrometheusAsync();
        var problems = new List<string>();
        var checkedLabels = 0;
        foreach (var (file, json) in DashboardFiles.Load())
        {
            foreach (var panel in DashboardFiles.Panels(json))
            {
                foreach (var target in panel["targets"]?.AsArray().OfType<System.Text.Json.Nodes.JsonObject>() ?? [])
                {
                    var labels = LegendLabel().Matches((string?)target["legendFormat"] ?? "").Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
                    if (labels.Count == 0)
                    {
                        continue;
                    }

                    var series = await prometheus.SeriesAsync(PromQl.Substitute((string?)target["expr"] ?? ""));
                    checkedLabels += labels.Count;
                    problems.AddRange(labels.Where(l => !series.Any(s => s.ContainsKey(l)))
                        .Select(l => $"{file} / panel '{panel["title"]}' / {target["refId"]}: legend label {{{{{l}}}}} is on none of its {series.Count} series"));
                }
            }
        }

        Assert.True(checkedLabels > 50, $"only {checkedLabels} legend labels checked");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task SlaCompliance_OnePolicyOverSeveralGpus_IsTheShareOfTracksOk_AtMostOne()
    {
        var prometheus = await stack.PrometheusAsync();
        var overview = DashboardFiles.Load().Single(d => d.File == "gpuqos-fleet-overview.json").Json;
        var compliance = DashboardFiles.PanelQueries("gpuqos-fleet-overview.json", overview).Single(q => q.Panel == "SLA compliance");

        // The precondition that once made it read 150%: a policy tracked on more than one GPU of the host.
        var gpus = await prometheus.SeriesAsync("count by (instance, tenant, policy) (gpuqos_sla_state{state=\"ok\"}) > 1");
        Assert.Contains(gpus, s => s["policy"] == "ml-platform-share-cap");

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = (await prometheus.QueryAsync(PromQl.Substitute(compliance.Expr))).FirstValue;
            var tracks = (await prometheus.QueryAsync("count(gpuqos_sla_state{state=\"ok\"})")).FirstValue;
            var ok = (await prometheus.QueryAsync("sum(gpuqos_sla_state{state=\"ok\"})")).FirstValue;
            Assert.NotNull(value);
            Assert.InRange(value.Value, 0, 1);

            // Read three times, so the states may move between reads: retry until two agree, within the deadline.
            if (Math.Abs(value.Value - (ok!.Value / tracks!.Value)) < 1e-9 || deadline.Elapsed > DataDeadline)
            {
                Assert.Equal(ok.Value / tracks.Value, value.Value, 9);
                return;
            }

            await Task.Delay(500);
        }
    }

    [RequiresPrometheusFact("prometheus")]
    public async Task Dashboards_EveryQueryVariable_ListsValues()
    {
        var prometheus = await stack.PrometheusAsync();
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
        });
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

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial System.Text.RegularExpressions.Regex LegendLabel();

    // Runs every query until it has data or the deadline passes.
    private static async Task<List<string>> CheckAsync(IReadOnlyList<DashboardQuery> queries, Func<DashboardQuery, Task<QueryResult>> run)
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

            if (empty.Count == 0 || deadline.Elapsed > DataDeadline)
            {
                problems.AddRange(empty.Select(q => $"{q} returns no data"));
                return problems;
            }

            waiting = empty;
            await Task.Delay(1000);
        }
    }
}
