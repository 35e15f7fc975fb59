using System.Text.Json.Nodes;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// What each panel says about its numbers: a unit on every panel, thresholds chosen on every stat, table and
/// gauge (never Grafana's default of green with red at 80), and the colours that mean something where a number
/// is an alarm. Static; the legends are checked against a real Prometheus in <see cref="PrometheusIntegrationTests"/>.
/// </summary>
public sealed class DashboardPanelLintTests
{
    private static readonly HashSet<string> ThresholdPanels = new(StringComparer.Ordinal) { "stat", "table", "gauge", "bargauge" };

    [Fact]
    public void Panels_EveryPanel_HasAUnit()
    {
        var problems = AllPanels()
            .Where(p => string.IsNullOrWhiteSpace((string?)p.Panel["fieldConfig"]?["defaults"]?["unit"]))
            .Select(p => $"{p.File} / panel '{p.Panel["title"]}': no unit (fieldConfig.defaults.unit)")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Panels_EveryStatTableAndGauge_HasChosenThresholds()
    {
        var problems = new List<string>();
        foreach (var (file, panel) in AllPanels().Where(p => ThresholdPanels.Contains((string?)p.Panel["type"] ?? "")))
        {
            var steps = Steps(panel);
            if (steps.Count == 0)
            {
                problems.Add($"{file} / panel '{panel["title"]}': no thresholds");
            }
            else if (steps.Count == 2 && steps[0].Color == "green" && steps[1] is { Color: "red", Value: 80 })
            {
                problems.Add($"{file} / panel '{panel["title"]}': Grafana's default thresholds (red at 80), chosen for nothing");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("gpuqos-fleet-overview.json", "GPUs lost", 0, "green")]
    [InlineData("gpuqos-fleet-overview.json", "GPUs lost", 1, "red")]
    [InlineData("gpuqos-fleet-overview.json", "Daemons reporting", 0, "red")]
    [InlineData("gpuqos-fleet-overview.json", "Daemons reporting", 500, "green")]
    [InlineData("gpuqos-fleet-overview.json", "SLA compliance", 0.5, "red")]
    [InlineData("gpuqos-fleet-overview.json", "SLA compliance", 1, "green")]
    [InlineData("gpuqos-fleet-overview.json", "Memory in use", 0.97, "red")]
    [InlineData("gpuqos-daemon-health.json", "Collectors failing", 0, "green")]
    [InlineData("gpuqos-daemon-health.json", "Collectors failing", 1, "red")]
    [InlineData("gpuqos-daemon-health.json", "Config reload", 0, "red")]
    [InlineData("gpuqos-daemon-health.json", "Config reload", 1, "green")]
    [InlineData("gpuqos-daemon-health.json", "Daemons reporting", 500, "green")]
    [InlineData("gpuqos-isolation-audits.json", "Probes failing", 0, "green")]
    [InlineData("gpuqos-isolation-audits.json", "Probes failing", 1, "red")]
    [InlineData("gpuqos-isolation-audits.json", "Max covert-channel bandwidth", 50, "orange")]
    [InlineData("gpuqos-isolation-audits.json", "Max covert-channel bandwidth", 150, "red")]
    [InlineData("gpuqos-isolation-audits.json", "Audit age in scheduled periods", 0.5, "green")]
    [InlineData("gpuqos-isolation-audits.json", "Audit age in scheduled periods", 3, "red")]
    public void Stats_AlarmNumbers_TakeTheColourTheyMean(string file, string title, double value, string color)
    {
        var panel = AllPanels().Single(p => p.File == file && (string?)p.Panel["title"] == title).Panel;
        Assert.Equal(color, ColourOf(panel, value));
    }

    [Fact]
    public void ConfigReload_RejectedAndApplied_AreNamedByValueMappings()
    {
        var panel = AllPanels().Single(p => p.File == "gpuqos-daemon-health.json" && (string?)p.Panel["title"] == "Config reload").Panel;
        var options = panel["fieldConfig"]!["defaults"]!["mappings"]![0]!["options"]!;
        Assert.Equal("rejected", (string?)options["0"]!["text"]);
        Assert.Equal("applied", (string?)options["1"]!["text"]);
    }

    private static IEnumerable<(string File, JsonObject Panel)> AllPanels() =>
        from d in DashboardFiles.Load()
        from p in DashboardFiles.Panels(d.Json)
        where (string?)p["type"] != "row"
        select (d.File, p);

    private static List<(string Color, double? Value)> Steps(JsonObject panel) =>
        panel["fieldConfig"]?["defaults"]?["thresholds"]?["steps"]?.AsArray().OfType<JsonObject>()
            .Select(s => ((string?)s["color"] ?? "", s["value"] is JsonValue v ? v.GetValue<double>() : (double?)null))
            .ToList() ?? [];

    // Grafana's rule: the colour of the highest step whose value the number reaches (the first step is the base).
    private static string ColourOf(JsonObject panel, double value)
    {
        var steps = Steps(panel);
        Assert.True(steps.Count > 0, $"panel '{panel["title"]}' has no thresholds");
        var colour = steps[0].Color;
        foreach (var (c, v) in steps.Skip(1))
        {
            if (v is { } limit && value >= limit)
            {
                colour = c;
            }
        }

        return colour;
    }
}
