using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>The rule files and the live exposition, checked by Prometheus' own promtool.</summary>
public sealed partial class PromtoolTests
{
    private static readonly string[] RequiredAnnotations = ["summary", "description", "runbook_url"];

    [RequiresPrometheusFact("promtool")]
    public async Task CheckRules_EveryRuleFile_IsValid()
    {
        var (code, output) = await ExternalTool.RunAsync("promtool", ["check", "rules", .. RuleFiles.RulePaths]);
        Assert.True(code == 0, "promtool check rules failed:\n" + output);
    }

    [RequiresPrometheusFact("promtool")]
    public async Task TestRules_EveryUnitTest_Passes()
    {
        // Some cases evaluate days of rules (the 3-day burn-rate window): about 30 s on a loaded two-core machine.
        var (code, output) = await ExternalTool.RunAsync("promtool", ["test", "rules", .. RuleFiles.TestPaths], workingDirectory: RuleFiles.TestsDirectory, timeout: TimeSpan.FromMinutes(3));
        Assert.True(code == 0, "promtool test rules failed:\n" + output);
    }

    [RequiresPrometheusFact("promtool")]
    public async Task CheckMetrics_LiveScrapeOfDemoDaemon_HasNoProblems()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        var text = await daemon.ScrapeAsync();
        Assert.Contains("gpuqos_gpu_info", text, StringComparison.Ordinal);
        var (code, output) = await ExternalTool.RunAsync("promtool", ["check", "metrics"], stdin: text);
        Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics reported (exit {code}):\n{output}");
    }

    [Fact]
    public void Alerts_EveryAlert_HasAPromtoolTestCase()
    {
        var alerts = RuleFiles.Load().Where(r => r.Alert is not null).Select(r => r.Alert!).ToList();
        Assert.NotEmpty(alerts);
        var untested = alerts.Except(RuleFiles.TestedAlerts()).ToList();
        Assert.True(untested.Count == 0, "alerts without a promtool test case: " + string.Join(", ", untested));
    }

    [Fact]
    public void Alerts_EveryAlert_HasAFiringAndANotFiringCase()
    {
        var checks = RuleFiles.AlertChecks();
        var problems = new List<string>();
        foreach (var alert in RuleFiles.Load().Select(r => r.Alert).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!checks.Any(c => c.Alert == alert && c.Fires))
            {
                problems.Add($"{alert}: no promtool case in which it fires");
            }

            if (!checks.Any(c => c.Alert == alert && !c.Fires))
            {
                problems.Add($"{alert}: no promtool case in which it does not fire (resolved, or just short)");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void RecordingRules_EveryOne_IsEvaluatedByAPromtoolCase()
    {
        var records = RuleFiles.Load().Select(r => r.Record).OfType<string>().ToList();
        Assert.NotEmpty(records);
        var tested = RuleFiles.ExpressionChecks().SelectMany(e => PromQl.MetricNames(e)).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(records.Except(tested));
    }

    [Fact]
    public void Alerts_FollowTheMixinConventions_SeverityAndTargetLabelsKept()
    {
        var problems = new List<string>();
        foreach (var rule in RuleFiles.Load().Where(r => r.Alert is not null))
        {
            if (!rule.Labels.TryGetValue("severity", out var severity) || severity is not ("critical" or "warning" or "info"))
            {
                problems.Add($"{rule.Name}: severity must be critical, warning or info");
            }

            // "by (instance, gpu)" drops node, namespace and job, and Alertmanager can no longer route by node:
            // aggregate "without" the labels summed over, or keep node in "by".
            problems.AddRange(ByClause().Matches(rule.Expr).Where(m => !m.Groups[1].Value.Split(',').Select(l => l.Trim()).Contains("node"))
                .Select(m => $"{rule.Name}: '{m.Value}' drops the target's labels (node, job, namespace)"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Rules_SelectTheDaemonByOneJobSelector_TheOneTheDocsSayToReplace()
    {
        var selectors = RuleFiles.Load().SelectMany(r => JobMatcher().Matches(r.Expr).Select(m => m.Value)).Distinct(StringComparer.Ordinal).ToList();
        Assert.Equal(["job=\"gpuqos\""], selectors);
        Assert.Contains("job=\"gpuqos\"", File.ReadAllText(RepoPaths.Combine("docs", "observability.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_TheIssue25AlertList_IsCovered()
    {
        // Issue #25: absent targets, enforcement, SLO burn rates, hardware and stale data.
        string[] expected =
        [
            "GpuQosDaemonAbsent", "GpuQosGpuNodeWithoutDaemon", "GpuQosEnforcementRevertFailed", "GpuQosEnforcementJournalFailing",
            "GpuQosSlaPolicyFailed", "GpuQosEnforcementPaused", "GpuQosConfigReloadRejected", "GpuQosKubeletUnreachable",
            "GpuQosRowRemapFailed", "GpuQosRowRemapPending", "GpuQosXidError", "GpuQosMemoryNearlyFull", "GpuQosTemperatureHigh",
            "GpuQosGpuCountDropped", "GpuQosEccCorrectedErrorsGrowing", "GpuQosAuditStale", "GpuQosSeriesStale", "GpuQosSlaErrorBudgetBurn",
        ];
        var alerts = RuleFiles.Load().Select(r => r.Alert).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Empty(expected.Except(alerts));

        // The workbook's three burn-rate pairs, each its own rule with its windows as labels.
        var burns = RuleFiles.Load().Where(r => r.Alert == "GpuQosSlaErrorBudgetBurn")
            .Select(r => $"{r.Labels["long"]}/{r.Labels["short"]}/{r.Labels["severity"]}").Order(StringComparer.Ordinal);
        Assert.Equal(["1h/5m/critical", "3d/6h/warning", "6h/30m/critical"], burns);
    }

    [Fact]
    public void Alerts_EveryAlert_HasSummaryDescriptionAndRunbookThatExists()
    {
        var runbooks = File.ReadAllText(RepoPaths.Combine("docs", "runbooks.md"));
        var anchors = Heading().Matches(runbooks).Select(m => Anchor(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var rule in RuleFiles.Load().Where(r => r.Alert is not null))
        {
            problems.AddRange(RequiredAnnotations.Where(a => !rule.Annotations.TryGetValue(a, out var v) || string.IsNullOrWhiteSpace(v)).Select(a => $"{rule.Name}: no {a}"));
            if (rule.Annotations.TryGetValue("runbook_url", out var url))
            {
                var hash = url.IndexOf("docs/runbooks.md#", StringComparison.Ordinal);
                var anchor = hash < 0 ? null : url[(hash + "docs/runbooks.md#".Length)..];
                if (anchor is null || !anchors.Contains(anchor))
                {
                    problems.Add($"{rule.Name}: runbook_url {url} does not point at a section of docs/runbooks.md");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Alerts_TheIssuesAlertList_IsCovered()
    {
        // Issue #7 names these conditions; each maps to one alert or more.
        string[] expected =
        [
            "GpuQosSlaBreached", "GpuQosEnforcementFailing", "GpuQosAuditFailed", "GpuQosAuditStale", "GpuQosCollectorFailing",
            "GpuQosSeriesStale", "GpuQosGpuLost", "GpuQosXidError", "GpuQosEccUncorrectedErrors", "GpuQosThermalThrottling",
            "GpuQosPowerThrottling", "GpuQosDaemonDown",
        ];
        var alerts = RuleFiles.Load().Select(r => r.Alert).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.Empty(expected.Except(alerts));
    }

    [Fact]
    public void Alerts_WorkloadObjectiveBurnRates_TheWorkbooksThreePairsOnLatencyAndThroughputOnly()
    {
        // Issue #21: burn-rate alerts on latency and throughput objectives, from the objectives' own met and violated time.
        var burns = RuleFiles.Load().Where(r => r.Alert == "GpuQosObjectiveErrorBudgetBurn").ToList();
        Assert.Equal(["1h/5m/critical", "3d/6h/warning", "6h/30m/critical"], burns.Select(r => $"{r.Labels["long"]}/{r.Labels["short"]}/{r.Labels["severity"]}").Order(StringComparer.Ordinal));
        var records = RuleFiles.Load().Where(r => r.Record?.StartsWith("policy_gpu_objective:gpuqos_sla_objective_violated:", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(5, records.Count);
        Assert.All(records, r => Assert.Contains("objective=~\"latency|throughput\"", r.Expr, StringComparison.Ordinal));
    }

    // GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped.
    private static string Anchor(string heading) =>
        new(heading.Trim().ToLowerInvariant().Replace(' ', '-').Where(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());

    [GeneratedRegex(@"\bby\s*\(([^()]*)\)")]
    private static partial Regex ByClause();

    [GeneratedRegex(@"\bjob\s*=~?\s*""[^""]*""")]
    private static partial Regex JobMatcher();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
