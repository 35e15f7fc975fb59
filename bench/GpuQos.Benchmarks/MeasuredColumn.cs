using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GpuQos.Benchmarks;

/// <summary>
/// A figure a benchmark measured (not a timing), shown as a column of the summary. The benchmark runs in
/// process and records its figure by its one parameter's value; the column reads it back by the same key.
/// </summary>
internal sealed class MeasuredColumn(string parameter, string name, string legend) : IColumn
{
    // Figures by the parameter's name and value and the column name.
    private static readonly ConcurrentDictionary<(string Parameter, string Value, string Column), double> Figures = new();

    public string Id => parameter + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    /// <summary>Records what the case whose <paramref name="parameter"/> is <paramref name="value"/> measured for <paramref name="column"/>.</summary>
    public static void Record(string parameter, string value, string column, double figure) => Figures[(parameter, value, column)] = figure;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var value = benchmarkCase.Parameters[parameter]?.ToString() ?? "";
        return Figures.TryGetValue((parameter, value, name), out var v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
