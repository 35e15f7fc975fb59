using GpuQos.Daemon.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>One rule of <c>deploy/prometheus/rules</c>.</summary>
internal sealed record PrometheusRule(string File, string Group, string? Alert, string? Record, string Expr, IReadOnlyDictionary<string, string> Annotations, IReadOnlyDictionary<string, string> Labels)
{
    public string Name => Alert ?? Record ?? "(unnamed)";
}

/// <summary>The Prometheus rule files and their unit tests.</summary>
internal static class RuleFiles
{
    public static string RulesDirectory { get; } = RepoPaths.Combine("deploy", "prometheus", "rules");

    public static string TestsDirectory { get; } = RepoPaths.Combine("deploy", "prometheus", "tests");

    public static IReadOnlyList<string> RulePaths => Directory.GetFiles(RulesDirectory, "*.yaml").Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> TestPaths => Directory.GetFiles(TestsDirectory, "*.yaml").Order(StringComparer.Ordinal).ToList();

    /// <summary>Every rule of every rule file.</summary>
    public static IReadOnlyList<PrometheusRule> Load()
    {
        var rules = new List<PrometheusRule>();
        foreach (var path in RulePaths)
        {
            var root = Root(path);
            foreach (var group in Sequence(root, "groups"))
            {
                var groupName = Scalar(group, "name") ?? "";
                foreach (var rule in Sequence(group, "rules"))
                {
                    rules.Add(new PrometheusRule(
                        Path.GetFileName(path), groupName, Scalar(rule, "alert"), Scalar(rule, "record"), Scalar(rule, "expr") ?? "", Map(rule, "annotations"), Map(rule, "labels")));
                }
            }
        }

        return rules;
    }

    /// <summary>The alert names that some <c>alert_rule_test</c> of the rule unit tests checks.</summary>
    public static IReadOnlySet<string> TestedAlerts() => AlertChecks().Select(c => c.Alert).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every <c>alert_rule_test</c> check: the alert, and whether it expects the alert to fire.</summary>
    public static IReadOnlyList<(string Alert, bool Fires)> AlertChecks()
    {
        var checks = new List<(string, bool)>();
        foreach (var path in TestPaths)
        {
            foreach (var test in Sequence(Root(path), "tests"))
            {
                foreach (var check in Sequence(test, "alert_rule_test"))
                {
                    if (Scalar(check, "alertname") is { } name)
                    {
                        checks.Add((name, Sequence(check, "exp_alerts").Any()));
                    }
                }
            }
        }

        return checks;
    }

    /// <summary>The expressions of every <c>promql_expr_test</c> of the rule unit tests.</summary>
    public static IReadOnlyList<string> ExpressionChecks() =>
        TestPaths.SelectMany(p => Sequence(Root(p), "tests"))
            .SelectMany(t => Sequence(t, "promql_expr_test"))
            .Select(c => Scalar(c, "expr")).OfType<string>().ToList();

    private static YamlMappingNode Root(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode seq ? seq.Children.OfType<YamlMappingNode>() : [];

    private static Dictionary<string, string> Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlMappingNode map
            ? map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;
}
