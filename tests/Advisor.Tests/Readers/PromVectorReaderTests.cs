using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GpuQos.Advisor.Readers;

namespace GpuQos.Advisor.Tests.Readers;

/// <summary>
/// Issue 23: a fleet's answers are megabytes, read a sample at a time from the stream. Whatever the reads cut
/// (a token split between two reads), every sample comes back with its labels and value, and what is not a vector
/// gives no samples.
/// </summary>
public sealed class PromVectorReaderTests
{
    private const string Vector = """
        {"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"instance":"host-0001:9450","tenant":"team-\"a\"","uuid":"GPU-é"},"value":[1796601600.5,"12.25"]},
          {"metric":{},"value":[1796601600,"NaN"]},
          {"metric":{"instance":"host-0002:9450","le":"+Inf"},"value":[1796601600,"+Inf"],"histogram":[1,{"count":"2"}]},
          {"value":[1796601600,"-Inf"],"metric":{"instance":"host-0003:9450"}}
        ]},"stats":{"timings":{"evalTotalTime":0.1},"samples":{"totalQueryableSamples":42}},"warnings":["a \"warning\""]}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task ReadAsync_VectorCutIntoReadsOfAnySize_GivesEverySampleWithItsLabelsAndValue(int bytesPerRead)
    {
        var samples = new List<(Dictionary<string, string> Labels, double Value)>();

        var answer = await Reader().ReadAsync(new TrickleStream(Vector, bytesPerRead), (labels, value) => samples.Add((new(labels), value)), CancellationToken.None);

        Assert.Equal(new PromVectorReader.Answer("success", null, "vector", 4), answer);
        Assert.Equal(4, samples.Count);
        Assert.Equal(new Dictionary<string, string> { ["instance"] = "host-0001:9450", ["tenant"] = "team-\"a\"", ["uuid"] = "GPU-é" }, samples[0].Labels);
        Assert.Equal(12.25, samples[0].Value);
        Assert.Empty(samples[1].Labels);
        Assert.True(double.IsNaN(samples[1].Value));
        Assert.Equal(new Dictionary<string, string> { ["instance"] = "host-0002:9450", ["le"] = "+Inf" }, samples[2].Labels);
        Assert.Equal(double.PositiveInfinity, samples[2].Value);
        Assert.Equal("host-0003:9450", Assert.Single(samples[3].Labels).Value);
        Assert.Equal(double.NegativeInfinity, samples[3].Value);
    }

    [Fact]
    public async Task ReadAsync_Scalar_GivesOneUnlabelledSample()
    {
        var samples = new List<(int Labels, double Value)>();

        var answer = await Reader().ReadAsync(new TrickleStream("""{"status":"success","data":{"resultType":"scalar","result":[1796601600,"3.5"]}}""", 3), (l, v) => samples.Add((l.Count, v)), CancellationToken.None);

        Assert.Equal("scalar", answer.ResultType);
        Assert.Equal([(0, 3.5)], samples);
    }

    [Fact]
    public async Task ReadAsync_Error_GivesTheMessageAndNoSample()
    {
        var answer = await Reader().ReadAsync(new TrickleStream("""{"status":"error","errorType":"bad_data","error":"parse error at char 4"}""", 5), (_, _) => Assert.Fail("a sample"), CancellationToken.None);

        Assert.Equal(new PromVectorReader.Answer("error", "parse error at char 4", null, 0), answer);
    }

    [Fact]
    public async Task ReadAsync_Matrix_GivesNoSample()
    {
        const string matrix = """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"a"},"values":[[1,"1"],[2,"2"]]}]}}""";

        var answer = await Reader().ReadAsync(new TrickleStream(matrix, 4), (_, _) => Assert.Fail("a sample"), CancellationToken.None);

        Assert.Equal(new PromVectorReader.Answer("success", null, "matrix", 0), answer);
    }

    [Fact]
    public async Task ReadAsync_CutAnswer_Throws()
    {
        await Assert.ThrowsAnyAsync<JsonException>(() => Reader().ReadAsync(new TrickleStream(Vector[..200], 16), (_, _) => { }, CancellationToken.None));
        await Assert.ThrowsAnyAsync<JsonException>(() => Reader().ReadAsync(new TrickleStream("<html>502 Bad Gateway</html>", 16), (_, _) => { }, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_LabelValueLongerThanTheBuffer_IsReadWhole()
    {
        var longValue = new string('x', 200_000);

        var labels = new List<string>();
        await Reader().ReadAsync(new TrickleStream($$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"{{{longValue}}}"},"value":[1,"1"]}]}}""", 4096), (l, _) => labels.Add(l["pod"]), CancellationToken.None);

        Assert.Equal(longValue, Assert.Single(labels));
    }

    /// <summary>
    /// The client's streaming query over a fleet-sized answer: 20,000 series of a usage query. Once the fleet's label
    /// values are known, reading an answer allocates nothing per sample (a fixed few KB per query); holding each
    /// answer as a document and a dictionary per sample cost hundreds of bytes per series.
    /// </summary>
    [Fact]
    public async Task QueryEachAsync_FleetSizedAnswerOfKnownLabels_AllocatesUnderEightBytesPerSample()
    {
        const int series = 20_000;
        var body = new StringBuilder("""{"status":"success","data":{"resultType":"vector","result":[""");
        for (var i = 0; i < series; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $$"""{"metric":{"gpu_model":"NVIDIA A100-SXM4-40GB","instance":"host-{{i / 40:0000}}:9450","tenant":"team-{{i % 16:00}}","uuid":"GPU-{{i / 40:00000}}-{{i % 8}}"},"value":[1796601600,"{{i * 1.5}}"]}""");
        }

        var bytes = Encoding.UTF8.GetBytes(body.Append("]}}").ToString());
        using var http = new HttpClient(new FixedAnswer(bytes));
        var client = new PrometheusClient(http, new Uri("http://prometheus.test/"));
        var sum = 0.0;
        void Add(IReadOnlyDictionary<string, string> labels, double value) => sum += value;

        // The first answer makes the label strings; every later one finds them.
        Assert.Equal(series, await client.QueryEachAsync("q", DateTimeOffset.UnixEpoch, Add, CancellationToken.None));
        sum = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = await client.QueryEachAsync("q", DateTimeOffset.UnixEpoch, Add, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(series, read);
        Assert.Equal(1.5 * series * (series - 1) / 2, sum);
        Assert.True(allocated < series * 8, $"{allocated} bytes allocated for {series} samples ({allocated / (double)series:F1} per sample)");
    }

    private static PromVectorReader Reader() => new(text => text.ToString());

    /// <summary>A stream that gives at most a few bytes per read, as a slow connection would.</summary>
    private sealed class TrickleStream(string text, int bytesPerRead) : MemoryStream(Encoding.UTF8.GetBytes(text))
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, bytesPerRead)], cancellationToken);
    }

    /// <summary>Answers every request with the same body, synchronously: the test's thread reads it all.</summary>
    private sealed class FixedAnswer(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) });
    }
}
