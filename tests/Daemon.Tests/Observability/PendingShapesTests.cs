using System.Diagnostics;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// Until the enforcer, the audit, attribution and reload land, the panels and variables that read their families
/// are proven against the label shapes the dashboards assume (<see cref="PendingFamilies"/>). This catches a
/// query that could never return data, such as a label the example does not have or a typo in a matcher.
/// </summary>
public sealed class PendingShapesTests(PendingShapesStack stack) : IClassFixture<PendingShapesStack>
{
    [RequiresPrometheusFact("prometheus")]
    public async Task PendingPanelsAndVariables_ReturnData_OnTheAssumedShapes()
    {
        var prometheus = await stack.PrometheusAsync();
        var pending = PendingFamilies.All.Keys.ToHashSet(StringComparer.Ordinal);
        pending.UnionWith(RuleFiles.Load().Where(r => r.Record is not null && PromQl.MetricNames(r.Expr).Any(pending.Contains)).Select(r => r.Record!));

        var dashboards = DashboardFiles.Load();
        var queries = dashboards.SelectMany(d => DashboardFiles.PanelQueries(d.File, d.Json)).ToList();
        queries.AddRange(dashboards.SelectMany(d => DashboardFiles.Variables(d.Json).Select(v => (d.File, Variable: v, Values: DashboardFiles.LabelValues(v))))
            .Where(x => x.Values is not null)
            .Select(x => new DashboardQuery(x.File, $"variable {x.Variable["name"]}", "query", x.Values!.Value.Selector, null)));
        var onPending = queries.Where(q => PromQl.MetricNames(q.Expr).Any(pending.Contains)).ToList();
        if (PendingFamilies.All.Count == 0)
        {
            return; // everything has landed; PrometheusIntegrationTests proves every panel on the real series
        }

        Assert.NotEmpty(onPending);

        // Recording rules evaluate every second; give them a few evaluations before calling a query empty.
        var deadline = Stopwatch.StartNew();
        List<string> problems;
        do
        {
            problems = [];
            foreach (var q in onPending)
            {
                var result = await prometheus.QueryAsync(PromQl.Substitute(q.Expr));
                if (result.Error is not null || result.Count == 0)
                {
                    problems.Add($"{q}: {result.Error ?? "no data on the assumed shapes"}");
                }
            }

            if (problems.Count > 0)
            {
                await Task.Delay(1000);
            }
        }
        while (problems.Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(15));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
