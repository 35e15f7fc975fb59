using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Exposition;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Observability;

public sealed class OpenTelemetryExportTests
{
    [Fact]
    public async Task OtelPrometheusPath_ServesTheSameSeriesNamesAndLabelSets_AsMetrics()
    {
        var config = ObservabilityConfig.WriteDemoFile("  otelPrometheusPath: /otel/metrics\n  dcgmCompat: true\n");
        try
        {
            await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
            await Task.Delay(1500); // at least one collection cycle after the OpenTelemetry instruments exist

            // Scrape /metrics on both sides of the OpenTelemetry scrape; when the two agree no cycle changed the
            // set of series in between (the demo host starts and stops a job every 40 s), so a difference is real.
            for (var attempt = 0; ; attempt++)
            {
                var before = Series(await daemon.ScrapeAsync());
                var otelText = await daemon.Http.GetStringAsync("/otel/metrics");
                var after = Series(await daemon.ScrapeAsync());
                if (!before.SetEquals(after) && attempt < 5)
                {
                    continue;
                }

                var otel = Series(otelText, otelPath: true);
                Assert.Contains(otel, s => s.StartsWith("gpuqos_gpu_info{", StringComparison.Ordinal));
                Assert.Contains(otel, s => s.StartsWith("DCGM_FI_DEV_GPU_UTIL{", StringComparison.Ordinal));
                var onlyPrometheusNet = after.Except(otel).Order(StringComparer.Ordinal).ToList();
                var onlyOtel = otel.Except(after).Order(StringComparer.Ordinal).ToList();
                Assert.True(onlyPrometheusNet.Count == 0 && onlyOtel.Count == 0,
                    $"only on /metrics:\n  {string.Join("\n  ", onlyPrometheusNet.Take(20))}\nonly on /otel/metrics:\n  {string.Join("\n  ", onlyOtel.Take(20))}");
                break;
            }
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task OtlpEndpoint_ReceivesTheCatalogue_OverHttpProtobuf()
    {
        // A stand-in OTLP/HTTP collector on loopback that keeps the bodies POSTed to /v1/metrics.
        var bodies = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        var port = DaemonProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        await using var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (request.ContentType == "application/x-protobuf")
            {
                bodies.Enqueue(body.ToArray());
            }

            return Results.Ok();
        });
        await collector.StartAsync();

        var config = ObservabilityConfig.WriteDemoFile($"  otlpEndpoint: http://127.0.0.1:{port}/v1/metrics\n  otlpProtocol: http-protobuf\n  otlpInterval: 1s\n");
        try
        {
            await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            var names = new[] { "gpuqos_gpu_info", "gpuqos_process_memory_used_bytes", "gpuqos_gpu_energy_joules_total" };
            while (deadline.Elapsed < TimeSpan.FromSeconds(20) && !bodies.Any(b => names.All(n => Contains(b, n))))
            {
                await Task.Delay(250);
            }

            // Metric names travel as protobuf strings, so they appear verbatim in an export's bytes.
            Assert.True(bodies.Any(b => names.All(n => Contains(b, n))), $"{bodies.Count} OTLP export(s) received, none with {string.Join(", ", names)}");
        }
        finally
        {
            File.Delete(config);
            await collector.StopAsync();
        }
    }

    [Fact]
    public async Task Defaults_NoOpenTelemetryAndNoDcgmSeries()
    {
        await using var app = DemoHost.Build(new FakeTimeProvider());
        Assert.Null(app.Services.GetService<OpenTelemetryMetrics>());
        Assert.DoesNotContain(app.Services.GetRequiredService<PrometheusExporter>().Catalogue, m => !m.Name.StartsWith("gpuqos_", StringComparison.Ordinal));
    }

    // In this class, not a class of its own: its meter is named like the daemon's, and the catalogue test's
    // listener would see its instruments if the two ran side by side.
    [Fact]
    public void Update_SourceThrowsMidWrite_ItKeepsItsPreviousSamplesTheOthersAreCurrent()
    {
        var good = new MetricDefinition("gpuqos_test_good", MetricType.Gauge, "test", [], "test");
        var bad = new MetricDefinition("gpuqos_test_bad", MetricType.Gauge, "test", ["key"], "test");
        var healthy = new Source([good]) { Cycle = w => w.Write(good, 1) };
        var faulty = new Source([bad]) { Cycle = w => { w.Write(bad, 10, "a"); w.Write(bad, 20, "b"); } };
        using var otel = new OpenTelemetryMetrics([healthy, faulty]);
        otel.Update();

        healthy.Cycle = w => w.Write(good, 2);
        faulty.Cycle = w =>
        {
            w.Write(bad, 11, "a");
            throw new InvalidOperationException("bug");
        };
        otel.Update(); // must not throw: it runs inside the collection cycle

        Assert.Equal([2.0], otel.Read(good.Name).Select(m => m.Value));
        Assert.Equal([10.0, 20.0], otel.Read(bad.Name).Select(m => m.Value).Order());
    }

    [Fact]
    public async Task Enabled_TheInstrumentsCoverTheWholeCatalogue()
    {
        var options = ObservabilityConfig.Demo(new ObservabilityOptions { OtelPrometheusPath = "/otel/metrics" });
        await using var app = DemoHost.Build(new FakeTimeProvider(), options: options);
        Assert.NotNull(app.Services.GetService<OpenTelemetryMetrics>());
        var catalogue = app.Services.GetRequiredService<PrometheusExporter>().Catalogue.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var instruments = new HashSet<string>(StringComparer.Ordinal);
        var observed = new HashSet<string>(StringComparer.Ordinal);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OpenTelemetryMetrics.MeterName)
            {
                instruments.Add(instrument.Name);
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => observed.Add(instrument.Name));
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.Empty(observed); // nothing before the first cycle

        app.Services.GetRequiredService<Hosting.CollectionService>().RunCycle();
        listener.RecordObservableInstruments();
        Assert.True(catalogue.SetEquals(instruments), "instruments differ from the catalogue: " + string.Join(", ", instruments.Except(catalogue).Concat(catalogue.Except(instruments))));
        Assert.Contains("gpuqos_gpu_info", observed);
        Assert.Contains("gpuqos_process_memory_used_bytes", observed);
    }

    [Theory]
    [InlineData("otlpEndpoint: collector:4317", "observability.otlpEndpoint")]
    [InlineData("otlpEndpoint: ftp://collector:4317", "observability.otlpEndpoint")]
    [InlineData("otlpInterval: 100ms", "observability.otlpInterval")]
    [InlineData("otelPrometheusPath: /metrics", "observability.otelPrometheusPath")]
    [InlineData("otelPrometheusPath: otel", "observability.otelPrometheusPath")]
    [InlineData("otlpProtocol: carrier-pigeon", "observability.otlpProtocol")]
    public void Validate_BadObservabilitySettings_NameTheField(string yaml, string path)
    {
        var errors = ConfigLoader.Check("observability:\n  " + yaml + "\n");
        Assert.Contains(errors, e => e.Path == path);
    }

    [Fact]
    public void Validate_AFullObservabilitySection_IsValid()
    {
        var errors = ConfigLoader.Check("observability:\n  otlpEndpoint: http://collector:4318/v1/metrics\n  otlpProtocol: http-protobuf\n  otlpInterval: 30s\n  otelPrometheusPath: /otel/metrics\n  dcgmCompat: true\n  dcgmHostname: node-7\n");
        Assert.Empty(errors);
    }

    // Series identities (name and sorted labels with values). On the OpenTelemetry path the SDK adds
    // target_info and otel_scope_* labels, and names counters with the _total suffix OpenMetrics requires.
    private static HashSet<string> Series(string text, bool otelPath = false)
    {
        var types = ExpositionParser.Types(text);
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in ExpositionParser.Parse(text))
        {
            if (otelPath && sample.Name == "target_info")
            {
                continue;
            }

            var name = sample.Name;
            if (otelPath && types.TryGetValue(name, out var type) && type == "counter" && name.StartsWith("DCGM_", StringComparison.Ordinal) && name.EndsWith("_total", StringComparison.Ordinal))
            {
                name = name[..^"_total".Length];
            }

            var labels = sample.Labels.Where(l => !l.Key.StartsWith("otel_scope_", StringComparison.Ordinal))
                .OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"");
            result.Add($"{name}{{{string.Join(',', labels)}}}");
        }

        return result;
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;

    private sealed class Source(IReadOnlyList<MetricDefinition> metrics) : IMetricSource
    {
        public Action<IMetricWriter> Cycle { get; set; } = _ => { };

        public IReadOnlyList<MetricDefinition> Metrics { get; } = metrics;

        public void WriteTo(IMetricWriter writer) => Cycle(writer);
    }
}
