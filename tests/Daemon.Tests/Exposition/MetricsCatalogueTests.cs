using GpuQos.Daemon.Exposition;
using Prometheus;
using GpuQos.Daemon.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Exposition;

public sealed class MetricsCatalogueTests
{
    private static readonly string DocPath = RepoPaths.Combine("docs", "metrics.md");

    [Fact]
    public async Task Catalogue_MatchesDocsMetricsMd()
    {
        await using var app = DemoHost.Build(new FakeTimeProvider());
        var catalogue = app.Services.GetRequiredService<PrometheusExporter>().Catalogue.ToList();
        var current = await File.ReadAllTextAsync(DocPath);
        var expected = CatalogueDocument.Replace(current, catalogue);
        if (Environment.GetEnvironmentVariable("GPUQOS_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(DocPath, expected);
            return;
        }

        Assert.True(expected == current, "docs/metrics.md is out of date with the code; run GPUQOS_UPDATE_DOCS=1 dotnet test --filter Catalogue_MatchesDocsMetricsMd and commit the result");
    }

    [Fact]
    public async Task Catalogue_NamesFollowPrometheusConventions()
    {
        await using var app = DemoHost.Build(new FakeTimeProvider());
        var catalogue = app.Services.GetRequiredService<PrometheusExporter>().Catalogue.ToList();
        Assert.NotEmpty(catalogue);
        foreach (var m in catalogue)
        {
            Assert.StartsWith("gpuqos_", m.Name, StringComparison.Ordinal);
            Assert.Matches("^[a-z_][a-z0-9_]*$", m.Name);
            Assert.Equal(m.Type == Model.Metrics.MetricType.Counter, m.Name.EndsWith("_total", StringComparison.Ordinal));
            Assert.DoesNotContain("_percent", m.Name, StringComparison.Ordinal);
            Assert.Equal(m.Labels.Count, m.Labels.Distinct().Count());
            Assert.False(string.IsNullOrWhiteSpace(m.Help), m.Name + " has no help");
        }
    }

    [Fact]
    public async Task LiveExposition_EveryFamilyIsCatalogued_WithItsLabelsAndType()
    {
        await using var app = DemoHost.Build(new FakeTimeProvider());
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        var catalogue = exporter.Catalogue.ToDictionary(m => m.Name);
        var collection = app.Services.GetRequiredService<Hosting.CollectionService>();
        collection.RunCycle();

        using var stream = new MemoryStream();
        exporter.Render(stream, ExpositionFormat.PrometheusText);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        var samples = ExpositionParser.Parse(text);
        Assert.NotEmpty(samples);
        foreach (var (family, type) in ExpositionParser.Types(text))
        {
            Assert.True(catalogue.TryGetValue(family, out var definition), $"{family} is exposed but not in the catalogue");
            Assert.Equal(definition.Type == Model.Metrics.MetricType.Counter ? "counter" : "gauge", type);
        }

        foreach (var sample in samples)
        {
            var definition = catalogue[sample.Name];
            Assert.Equal(definition.Labels.OrderBy(l => l), sample.Labels.Keys.OrderBy(l => l));
        }
    }
}
