using System.Text.Json.Nodes;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>One query of a dashboard: a panel target or a template variable's query.</summary>
/// <param name="Dashboard">File name of the dashboard.</param>
/// <param name="Panel">Panel title (or <c>variable NAME</c>).</param>
/// <param name="RefId">Target reference id (A, B, …).</param>
/// <param name="Expr">The PromQL expression as written, with template variables.</param>
/// <param name="Datasource">The target's datasource uid, if it names one.</param>
internal sealed record DashboardQuery(string Dashboard, string Panel, string RefId, string Expr, string? Datasource)
{
    public override string ToString() => $"{Dashboard} / panel '{Panel}' / {RefId}: {Expr}";
}

/// <summary>The Grafana dashboards under <c>dashboards/</c>.</summary>
internal static class DashboardFiles
{
    public static string Directory { get; } = RepoPaths.Combine("dashboards");

    /// <summary>Every dashboard file, parsed.</summary>
    public static IReadOnlyList<(string File, JsonObject Json)> Load() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!.AsObject()))
            .ToList();

    /// <summary>Every panel, with the panels nested in collapsed rows.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        foreach (var panel in dashboard["panels"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            yield return panel;
            foreach (var nested in panel["panels"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                yield return nested;
            }
        }
    }

    /// <summary>Every PromQL expression of every panel target.</summary>
    public static IEnumerable<DashboardQuery> PanelQueries(string file, JsonObject dashboard) =>
        from panel in Panels(dashboard)
        from target in panel["targets"]?.AsArray().OfType<JsonObject>() ?? []
        select new DashboardQuery(file, (string?)panel["title"] ?? "(untitled)", (string?)target["refId"] ?? "?",
            (string?)target["expr"] ?? "", (string?)target["datasource"]?["uid"]);

    /// <summary>The template variables of type query, with the PromQL inside their <c>label_values()</c>.</summary>
    public static IEnumerable<JsonObject> Variables(JsonObject dashboard) =>
        dashboard["templating"]?["list"]?.AsArray().OfType<JsonObject>() ?? [];

    /// <summary>
    /// A query variable's definition, e.g. <c>label_values(gpuqos_gpu_info{instance=~"$instance"}, gpu)</c>,
    /// split into the series selector and the label it lists.
    /// </summary>
    public static (string Selector, string Label)? LabelValues(JsonObject variable)
    {
        if ((string?)variable["type"] != "query")
        {
            return null;
        }

        var query = variable["query"];
        var definition = query is JsonObject editor ? (string?)editor["query"] : (string?)query;
        if (definition is null || !definition.StartsWith("label_values(", StringComparison.Ordinal) || !definition.EndsWith(')'))
        {
            return null;
        }

        var inner = definition["label_values(".Length..^1];
        var comma = inner.LastIndexOf(',');
        return comma < 0 ? null : (inner[..comma].Trim(), inner[(comma + 1)..].Trim());
    }
}
