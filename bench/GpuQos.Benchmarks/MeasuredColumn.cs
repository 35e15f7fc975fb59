using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GpuQos.Benchmarks;

/// <summary>A figure the accuracy benchmark measured (not a timing), shown as a column of the summary.</summary>
internal sealed class EnforcementAccuracyColumn(string name, string legend) : IColumn
{
    /// <summary>Figures by split (the benchmark's parameter) and column name; the benchmark runs in process.</summary>
    public static ConcurrentDictionary<(string Split, string Column), double> Figures { get; } = new();

    public string Id => "Enforcement" + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var split = benchmarkCase.Parameters["Split"]?.ToString() ?? "";
        return Figures.TryGetValue((split, name), out var v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
