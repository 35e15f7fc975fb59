using GpuQos.Enforcer.Workload;

namespace GpuQos.Enforcer.Tests.Workload;

public sealed class ExpositionParserTests
{
    // As prometheus-net 8 writes a histogram, with a label value that needs every escape.
    private const string Page = """
        # HELP request_duration_seconds Time to answer.
        # TYPE request_duration_seconds histogram
        request_duration_seconds_sum{route="/search"} 12.5
        request_duration_seconds_count{route="/search"} 100
        request_duration_seconds_bucket{route="/search",le="0.005"} 10
        request_duration_seconds_bucket{route="/search",le="0.01"} 60
        request_duration_seconds_bucket{route="/search",le="+Inf"} 100
        odd{path="a\\b \"q\"\nz"} -Inf 1700000000000
        requests_total 42 # {trace_id="abc"} 1.0 1700000000.5
        up NaN

        # EOF
        """;

    [Fact]
    public void Parse_PrometheusNetHistogram_ReadsEverySample()
    {
        var samples = ExpositionParser.Parse(Page);

        Assert.Equal(8, samples.Count);
        var inf = samples.Single(s => s.Name == "request_duration_seconds_bucket" && s.Labels["le"] == "+Inf");
        Assert.Equal(100, inf.Value);
        Assert.Equal("/search", inf.Labels["route"]);
        Assert.Equal(12.5, samples.Single(s => s.Name == "request_duration_seconds_sum").Value);
    }

    [Fact]
    public void Parse_EscapedLabelValueAndTimestamp_UnescapesAndIgnoresTimestamp()
    {
        var odd = ExpositionParser.Parse(Page).Single(s => s.Name == "odd");

        Assert.Equal("a\\b \"q\"\nz", odd.Labels["path"]);
        Assert.Equal(double.NegativeInfinity, odd.Value);
    }

    [Fact]
    public void Parse_OpenMetricsExemplar_KeepsTheValueOnly()
    {
        var samples = ExpositionParser.Parse(Page);

        Assert.Equal(42, samples.Single(s => s.Name == "requests_total").Value);
        Assert.True(double.IsNaN(samples.Single(s => s.Name == "up").Value));
    }

    [Fact]
    public void Parse_Keep_DropsOtherMetricsBeforeParsingTheirLabels()
    {
        // The second line is malformed; it is not kept, so it is not parsed.
        var samples = ExpositionParser.Parse("a_total 1\nb{x=\"unclosed 2\n", name => name == "a_total");

        Assert.Equal("a_total", Assert.Single(samples).Name);
    }

    [Theory]
    [InlineData("x{a=\"1 2", "line 1: the value of label a is not closed")]
    [InlineData("x{a=\"1\" 2", "line 1: expected a label name at column 8")]
    [InlineData("ok 1\nx{a=1} 2", "line 2: label a must be followed")]
    [InlineData("x 1\n\nx{} abc", "line 3: sample x has value 'abc'")]
    [InlineData("x{a=\"1\"}", "line 1: sample x has no value")]
    [InlineData("{a=\"1\"} 1", "line 1: a sample must start with a metric name")]
    [InlineData("x{a=\"\\t\"} 1", "unknown escape")]
    public void Parse_MalformedLine_ThrowsNamingTheLine(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ExpositionParser.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("1e-3", 0.001)]
    [InlineData("0.25", 0.25)]
    [InlineData("-2", -2)]
    public void TryParseValue_PrometheusSpellings_Parse(string text, double expected)
    {
        Assert.True(ExpositionParser.TryParseValue(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void TryParseValue_Infinity_SpelledTheDotNetWay_IsRejected()
    {
        // Only Prometheus's spellings: "Infinity" would mean a server that does not speak the format.
        Assert.False(ExpositionParser.TryParseValue("Infinity", out _));
    }
}
