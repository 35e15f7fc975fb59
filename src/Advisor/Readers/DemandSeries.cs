namespace GpuQos.Advisor.Readers;

/// <summary>
/// The demand quantiles and memory peak of one utilization series and its memory series. <paramref name="Matchers"/>
/// are label matchers, each followed by a comma, put before the hosts' matcher (<c>{1}</c>).
/// </summary>
public sealed record DemandSeries(string Utilization, string Memory, string Matchers)
{
    private string Selector => "{{" + Matchers + "{1}}}";

    public string P50 => $"quantile_over_time(0.5, {Utilization}{Selector}[{{0}}])";
    public string P95 => $"quantile_over_time(0.95, {Utilization}{Selector}[{{0}}])";
    public string P99 => $"quantile_over_time(0.99, {Utilization}{Selector}[{{0}}])";
    public string Max => $"max_over_time({Utilization}{Selector}[{{0}}])";
    public string Samples => $"count_over_time({Utilization}{Selector}[{{0}}])";
    public string MemoryPeak => $"max_over_time({Memory}{Selector}[{{0}}])";

    public IEnumerable<string> All => [P50, P95, P99, Max, Samples, MemoryPeak];
}
