using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GpuQos.Benchmarks;

/// <summary>A figure the floor benchmark measured (not a timing), shown as a column of the summary.</summary>
internal sealed class FloorSplitColumn(string name, string legend) : IColumn
{
    /// <summary>Figures by floor (the benchmark's parameter) and column name; the benchmark runs in process.</summary>
    public static ConcurrentDictionary<(string Floor, string Column), double> Figures { get; } = new();

    public string Id => "Floor" + name;

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
        var floor = benchmarkCase.Parameters["Floor"]?.ToString() ?? "";
        return Figures.TryGetValue((floor, name), out var v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
