using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>Static checks of every dashboard under <c>dashboards/</c>; no Prometheus needed.</summary>
public sealed partial class DashboardLintTests
{
    private const string DatasourceVariable = "${datasource}";

    // Series Prometheus itself adds to every target, which dashboards may use next to GpuQos' own, and the one
    // kube-state-metrics series GpuQosGpuNodeWithoutDaemon reads (a node's allocatable nvidia.com/gpu).
    private static readonly HashSet<string> PrometheusSeries = new(StringComparer.Ordinal) { "up", "scrape_duration_seconds", "scrape_samples_scraped", "kube_node_status_allocatable" };

    private static readonly string[] RequiredDashboards =
        ["gpuqos-fleet-overview", "gpuqos-gpu-partitions", "gpuqos-tenants-sla", "gpuqos-isolation-audits", "gpuqos-daemon-health"];

    [Fact]
    public void Dashboards_TheFiveOfTheIssue_Exist_WithStableUidsMatchingTheirFiles()
    {
        var dashboards = DashboardFiles.Load();
        foreach (var (file, json) in dashboards)
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(file), (string?)json["uid"]);
        }

        Assert.Empty(RequiredDashboards.Except(dashboards.Select(d => (string?)d.Json["uid"])));
    }

    [Fact]
    public void Dashboards_Uids_AreUniqueAcrossDashboardsAndPanelIdsWithinEach()
    {
        var dashboards = DashboardFiles.Load();
        var uids = dashboards.Select(d => (string?)d.Json["uid"]).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
        foreach (var (file, json) in dashboards)
        {
            var ids = DashboardFiles.Panels(json).Select(p => (int?)p["id"]).ToList();
            Assert.True(ids.All(i => i is not null) && ids.Count == ids.Distinct().Count(), $"{file}: panel ids are missing or repeated");
        }
    }

    [Fact]
    public void Dashboards_ModelIsGrafana10()
    {
        foreach (var (file, json) in DashboardFiles.Load())
        {
            Assert.True((int?)json["schemaVersion"] >= 38, $"{file}: schemaVersion must be 38 or later (Grafana 10)");
            Assert.False(string.IsNullOrWhiteSpace((string?)json["title"]), $"{file}: no title");
        }
    }

    [Fact]
    public void Dashboards_DatasourceIsAVariable_UsedByEveryPanelTargetAndVariable()
    {
        var problems = new List<string>();
        foreach (var (file, json) in DashboardFiles.Load())
        {
            var variables = DashboardFiles.Variables(json).ToList();
            if (!variables.Any(v => (string?)v["name"] == "datasource" && (string?)v["type"] == "datasource" && (string?)v["query"] == "prometheus"))
            {
                problems.Add($"{file}: no datasource variable of type prometheus");
            }

            foreach (var panel in DashboardFiles.Panels(json).Where(p => (string?)p["type"] != "row"))
            {
                if ((string?)panel["datasource"]?["uid"] != DatasourceVariable)
                {
                    problems.Add($"{file} / panel '{panel["title"]}': datasource is not {DatasourceVariable}");
                }
            }

            problems.AddRange(DashboardFiles.PanelQueries(file, json).Where(q => q.Datasource != DatasourceVariable)
                .Select(q => $"{q}: target datasource is not {DatasourceVariable}"));
            problems.AddRange(variables.Where(v => (string?)v["type"] == "query" && (string?)v["datasource"]?["uid"] != DatasourceVariable)
                .Select(v => $"{file} / variable {v["name"]}: datasource is not {DatasourceVariable}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dashboards_HaveInstanceGpuAndTenantVariables_AndUseOnlyDefinedOnes()
    {
        var problems = new List<string>();
        var all = DashboardFiles.Load();
        foreach (var (file, json) in all)
        {
            var defined = DashboardFiles.Variables(json).Select(v => (string?)v["name"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (!defined.Contains("instance"))
            {
                problems.Add($"{file}: no instance variable");
            }

            foreach (var q in DashboardFiles.PanelQueries(file, json))
            {
                problems.AddRange(PromQl.Variables(q.Expr).Where(v => !defined.Contains(v)).Select(v => $"{q}: uses undefined variable ${v}"));
            }
        }

        foreach (var name in new[] { "gpu", "tenant" })
        {
            if (!all.Any(d => DashboardFiles.Variables(d.Json).Any(v => (string?)v["name"] == name)))
            {
                problems.Add($"no dashboard has a {name} variable");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dashboards_NoPanelHasAnEmptyQuery()
    {
        var problems = new List<string>();
        foreach (var (file, json) in DashboardFiles.Load())
        {
            foreach (var panel in DashboardFiles.Panels(json).Where(p => (string?)p["type"] != "row"))
            {
                var targets = panel["targets"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
                if (targets.Count == 0)
                {
                    problems.Add($"{file} / panel '{panel["title"]}': no query");
                }

                problems.AddRange(targets.Where(t => string.IsNullOrWhiteSpace((string?)t["expr"])).Select(t => $"{file} / panel '{panel["title"]}' / {t["refId"]}: empty query"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Dashboards_EveryMetricAQueryNames_IsCataloguedOrARecordingRule()
    {
        var known = KnownSeries();
        var problems = new List<string>();
        foreach (var (file, json) in DashboardFiles.Load())
        {
            var queries = DashboardFiles.PanelQueries(file, json).ToList();
            queries.AddRange(DashboardFiles.Variables(json).Select(v => (Variable: v, Values: DashboardFiles.LabelValues(v)))
                .Where(x => x.Values is not null)
                .Select(x => new DashboardQuery(file, $"variable {x.Variable["name"]}", "query", x.Values!.Value.Selector, DatasourceVariable)));
            foreach (var q in queries)
            {
                var names = PromQl.MetricNames(q.Expr);
                if (names.Count == 0)
                {
                    problems.Add($"{q}: selects no metric");
                }

                problems.AddRange(names.Where(n => !known.Contains(n)).Select(n => $"{q}: {n} is neither in docs/metrics.md nor a recording rule"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Rules_EveryMetricAnExpressionNames_IsCataloguedOrARecordingRule()
    {
        var known = KnownSeries();
        var problems = RuleFiles.Load()
            .SelectMany(r => PromQl.MetricNames(r.Expr).Where(n => !known.Contains(n)).Select(n => $"{r.File} / {r.Name}: {n} is unknown"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("sum by (instance, gpu) (increase(gpuqos_gpu_xid_errors_total{instance=~\"$instance\"}[$__rate_interval]))", "gpuqos_gpu_xid_errors_total")]
    [InlineData("gpuqos_a / on (instance) group_left(name) gpuqos_b", "gpuqos_a,gpuqos_b")]
    [InlineData("time() - max(gpuqos_audit_last_run_timestamp_seconds) > 26 * 3600", "gpuqos_audit_last_run_timestamp_seconds")]
    [InlineData("count(x == 0) or sum(tenant:gpuqos_tenant_sm_share:sum{tenant=\"a b\"}) * 1e3", "x,tenant:gpuqos_tenant_sm_share:sum")]
    [InlineData("scrape_duration_seconds and on (instance, job) gpuqos_build_info", "scrape_duration_seconds,gpuqos_build_info")]
    public void MetricNames_OfAnExpression_AreTheSelectedSeriesOnly(string expr, string expected)
    {
        Assert.Equal(expected.Split(',').Order(StringComparer.Ordinal), PromQl.MetricNames(expr).Order(StringComparer.Ordinal));
    }

    /// <summary>Catalogued families (docs/metrics.md), recording rules and Prometheus' own series.</summary>
    internal static HashSet<string> KnownSeries()
    {
        var doc = File.ReadAllText(RepoPaths.Combine("docs", "metrics.md"));
        var known = CatalogueRow().Matches(doc).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(known);
        known.UnionWith(RuleFiles.Load().Select(r => r.Record).OfType<string>());
        known.UnionWith(PrometheusSeries);
        return known;
    }

    [GeneratedRegex(@"^\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \|", RegexOptions.Multiline)]
    private static partial Regex CatalogueRow();
}
