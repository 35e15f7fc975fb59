using System.Text.Json;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Reports;

namespace GpuQos.IsolationProbes.Tests.Reports;

public sealed class ReportWriterTests
{
    private static readonly AuditPartition A = new("cpu0", "cpu", "a", "cpu-cores", AcceleratorChoice.Cpu, [0], null, 256L << 20);
    private static readonly AuditPartition B = new("cpu1", "cpu", "b", "cpu-cores", AcceleratorChoice.Cpu, [1], null, 256L << 20);

    private static AuditReport Report()
    {
        var options = new AuditOptions();
        var bits = CovertChannelProbe.KnownBits(16);
        return new AuditReport
        {
            StartedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            DurationSeconds = 12.5,
            Host = "host<1>",
            Backend = "sim",
            Accelerator = "cpu",
            Notes = ["no CUDA driver"],
            Warmup = 3,
            Repetitions = 6,
            Partitions = [A, B],
            Results =
            [
                TimingProbe.Decide(ProbeKind.Compute, A, B, options, [1, 1.1, 0.9, 1], [2, 2.1, 1.9, 2]),
                TimingProbe.Decide(ProbeKind.Compute, B, A, options, [1, 1.1, 0.9, 1], [1, 1.05, 0.95, 1]),
                CovertChannelProbe.Decide(A, B, options, bits, [.. bits.Select(c => c == '1' ? 5L : 9L)], TimeSpan.FromMilliseconds(20)),
                new ProbeResult { Probe = "remanence", Gpu = "cpu", Victim = "cpu0", Aggressor = "cpu1", Mode = "cpu-cores", Verdict = ProbeVerdicts.Error, Summary = "worker exited (code 134)" },
            ],
        };
    }

    [Fact]
    public void Json_HasSchemaVersionAndEveryResult()
    {
        using var doc = JsonDocument.Parse(ReportJson.Serialize(Report()));

        Assert.Equal(AuditReport.Schema, doc.RootElement.GetProperty("schemaVersion").GetString());
        Assert.Equal("violated", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(4, doc.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(2.0, doc.RootElement.GetProperty("results")[0].GetProperty("slowdown").GetDouble(), 2);
    }

    [Fact]
    public void JUnit_OneCasePerResult_FailuresAndErrorsMarked()
    {
        var xml = JUnitReport.Build(Report());
        var cases = xml.Descendants("testcase").ToList();

        Assert.Equal(4, cases.Count);
        Assert.Equal(2, cases.Count(c => c.Element("failure") is not null)); // compute cpu0 (2x) and the covert channel
        Assert.Single(cases, c => c.Element("error") is not null);
        Assert.Equal("compute: cpu0 vs cpu1", (string?)cases[0].Attribute("name"));
    }

    [Fact]
    public void Html_SelfContained_WithAllThreeChartKinds()
    {
        var html = HtmlReport.Render(Report());

        Assert.Contains("data-chart=\"heatmap\"", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"distribution\"", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"bit-trace\"", html, StringComparison.Ordinal);
        Assert.Contains("host&lt;1&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0, "#50c860")]
    [InlineData(2.0, "#ff3260")]
    public void HeatColour_GreenAtOneRedAtTwo(double slowdown, string expected) =>
        Assert.Equal(expected, SvgCharts.HeatColour(slowdown));
}
