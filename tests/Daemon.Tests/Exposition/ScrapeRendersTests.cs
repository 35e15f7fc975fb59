using System.Text;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Http;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Metrics;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace GpuQos.Daemon.Tests.Exposition;

/// <summary>What <c>/metrics</c> serves: one whole update per render, shared by the scrapes of that update.</summary>
public sealed class ScrapeRendersTests
{
    private static readonly MetricDefinition First = new("gpuqos_test_first", MetricType.Gauge, "test", [], "test");
    private static readonly MetricDefinition Second = new("gpuqos_test_second", MetricType.Gauge, "test", [], "test");

    [Fact]
    public async Task Acquire_ScrapesOfOneUpdate_ShareOneRender_AndAHeldRenderOutlivesTheNext()
    {
        var cycle = 0;
        var exporter = new PrometheusExporter([new Source(w => w.Write(First, cycle))]);
        using var renders = new ScrapeRenders(exporter);
        cycle = 1;
        exporter.Update();

        var a = renders.Acquire(ExpositionFormat.PrometheusText);
        var b = renders.Acquire(ExpositionFormat.PrometheusText);
        Assert.Same(a, b);
        Assert.Equal(1, renders.Renders);

        // OpenMetrics is a render of its own.
        var open = renders.Acquire(ExpositionFormat.OpenMetricsText);
        Assert.EndsWith("# EOF\n", await TextOf(open), StringComparison.Ordinal);
        open.Release();
        Assert.Equal(2, renders.Renders);

        cycle = 2;
        exporter.Update();
        var c = renders.Acquire(ExpositionFormat.PrometheusText);
        Assert.NotSame(a, c);
        Assert.Equal(3, renders.Renders);
        Assert.Equal(2, Value(await TextOf(c), First.Name));

        // The scrapes that took the first render before the update still send it whole.
        Assert.Equal(1, Value(await TextOf(a), First.Name));
        a.Release();
        Assert.Equal(1, Value(await TextOf(b), First.Name));
        b.Release();
        c.Release();
    }

    [Fact]
    public async Task Acquire_WhileUpdatesRun_EveryRenderHoldsOneWholeUpdate()
    {
        // Each update writes its number into two series with work in between; a render taken in the middle of an
        // update would show the new number in the first and the old one in the second.
        var cycle = 0;
        var exporter = new PrometheusExporter([new Source(w =>
        {
            w.Write(First, cycle);
            Thread.SpinWait(2_000);
            w.Write(Second, cycle);
        })]);
        using var renders = new ScrapeRenders(exporter);
        exporter.Update();

        using var stop = new CancellationTokenSource();
        var updates = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref cycle);
                exporter.Update();
            }
        });

        // Scrape until 50 distinct updates were seen; the pause between scrapes lets the updates take the lock
        // (it is not fair), and the deadline only stops a machine too loaded to get there.
        var seen = new HashSet<double>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (seen.Count < 50 && DateTime.UtcNow < deadline)
        {
            var render = renders.Acquire(ExpositionFormat.PrometheusText);
            var text = await TextOf(render);
            render.Release();
            Assert.Equal(Value(text, First.Name), Value(text, Second.Name));
            seen.Add(Value(text, First.Name));
            await Task.Delay(1);
        }

        await stop.CancelAsync();
        await updates;
        Assert.True(seen.Count >= 50, $"only {seen.Count} distinct updates were scraped in 60 s");
    }

    [Theory]
    [InlineData("", "text/plain")]
    [InlineData("text/plain;version=0.0.4", "text/plain")]
    [InlineData("application/openmetrics-text; version=1.0.0", "application/openmetrics-text")]
    [InlineData("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1", "application/openmetrics-text")]
    [InlineData("text/plain;q=0.9,application/openmetrics-text;q=0.5", "text/plain")]
    [InlineData("not a media type, application/openmetrics-text", "application/openmetrics-text")]
    public void Negotiate_FollowsTheScrapersPreference(string accept, string expected)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Accept = accept;

        var (_, contentType) = MetricsEndpoint.Negotiate(request);

        Assert.StartsWith(expected + ";", contentType, StringComparison.Ordinal);
    }

    [Fact]
    public void Negotiate_AcceptQueryParameter_OverridesTheHeader()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Accept = "text/plain";
        request.QueryString = new QueryString("?accept=application/openmetrics-text");

        Assert.Equal(ExpositionFormat.OpenMetricsText, MetricsEndpoint.Negotiate(request).Format);
    }

    private static async Task<string> TextOf(ScrapeRenders.Render render)
    {
        using var stream = new MemoryStream();
        await render.WriteToAsync(stream, CancellationToken.None);
        Assert.Equal(render.Length, stream.Length);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double Value(string text, string name) =>
        ExpositionParser.Parse(text.Replace("# EOF\n", "", StringComparison.Ordinal)).Single(s => s.Name == name).Value;

    private sealed class Source(Action<IMetricWriter> write) : IMetricSource
    {
        public IReadOnlyList<MetricDefinition> Metrics { get; } = [First, Second];

        public void WriteTo(IMetricWriter writer) => write(writer);
    }
}
