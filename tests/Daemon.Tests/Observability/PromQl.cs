using System.Text.RegularExpressions;

namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// Just enough PromQL for the dashboard checks: the metric names an expression selects, and Grafana's
/// template variables replaced by concrete values a real Prometheus accepts.
/// </summary>
internal static partial class PromQl
{
    /// <summary>Grafana's built-in interval variables, replaced by durations that suit a 1 s scrape interval.</summary>
    public static IReadOnlyDictionary<string, string> BuiltIns { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["$__rate_interval"] = "30s",
        ["$__interval"] = "15s",
        ["$__range"] = "5m",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "atan2", "inf", "nan",
    };

    /// <summary>
    /// The metric names an expression selects. Label matchers, strings, range and subquery brackets,
    /// grouping clauses, function names, keywords and template variables are not metric names.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = Variable().Replace(expr, " ");
        text = StringLiteral().Replace(text, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            if (!Keywords.Contains(m.Value))
            {
                names.Add(m.Value);
            }
        }

        return names;
    }

    /// <summary>The template variables (<c>$name</c> or <c>${name}</c>) an expression uses, built-ins excluded.</summary>
    public static IReadOnlySet<string> Variables(string expr) =>
        Variable().Matches(expr).Select(m => m.Groups["name"].Value).Where(n => !n.StartsWith("__", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Replaces every user variable with <paramref name="allValue"/> (what Grafana sends for "All" with a
    /// regex all-value) and the built-in intervals with concrete durations.
    /// </summary>
    public static string Substitute(string expr, string allValue = ".*")
    {
        var text = expr;
        foreach (var (name, value) in BuiltIns)
        {
            text = text.Replace(name, value, StringComparison.Ordinal);
        }

        return Variable().Replace(text, allValue);
    }

    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_][A-Za-z0-9_]*)(:[a-z]+)?\}?")]
    private static partial Regex Variable();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex Grouping();

    // An identifier that is not part of a number (1e3) or a variable, and is not called like a function.
    [GeneratedRegex(@"(?<![\w.$])(?>[A-Za-z_:][A-Za-z0-9_:]*)(?!\s*\()")]
    private static partial Regex Identifier();
}
