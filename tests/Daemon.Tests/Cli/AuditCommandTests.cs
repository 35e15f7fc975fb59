using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using GpuQos.Daemon.Tests.Audit;
using GpuQos.Daemon.Tests.TestSupport;
using Xunit.Abstractions;

namespace GpuQos.Daemon.Tests.Cli;

[Collection(CpuTimingCollection.Name)]
public sealed class AuditCommandTests(AuditRunFixture audit, ITestOutputHelper output) : IClassFixture<AuditRunFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public void Audit_SimBackendCpuAccelerator_WritesThreeReports()
    {
        output.WriteLine(audit.Output);
        Assert.True(audit.ExitCode is 0 or 1, $"exit code {audit.ExitCode}: {audit.Output}");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(audit.OutDir, "report.json")));
        var root = json.RootElement;
        Assert.Equal("gpuqos.audit/v1", root.GetProperty("schemaVersion").GetString());
        Assert.Equal("cpu", root.GetProperty("accelerator").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        var probes = results.Select(r => r.GetProperty("probe").GetString()).ToHashSet();
        Assert.Equal(["bandwidth", "cache", "capacity", "compute", "covert", "integrity", "remanence"], probes.Order());
        Assert.DoesNotContain(results, r => r.GetProperty("verdict").GetString() == "error");
        Assert.Equal(audit.ExitCode == 1, results.Any(r => r.GetProperty("verdict").GetString() == "failed"));

        var junit = XDocument.Load(Path.Combine(audit.OutDir, "junit.xml"));
        Assert.Equal(results.Count, junit.Descendants("testcase").Count());
        Assert.Equal(results.Count(r => r.GetProperty("verdict").GetString() == "failed"), junit.Descendants("failure").Count());
        Assert.True(File.Exists(Path.Combine(audit.OutDir, "report.html")));
    }

    [Fact]
    public async Task ReportHtml_RenderedInHeadlessChromium_DrawsItsCharts()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/setup.sh installs Debian's chromium");
        var html = Path.Combine(audit.OutDir, "report.html");
        var withCharts = ChartPixels(await ScreenshotAsync(html));

        // Control: the same page without its SVG must show almost no chart colours, or the count proves nothing.
        var stripped = Path.Combine(audit.OutDir, "no-charts.html");
        var text = await File.ReadAllTextAsync(html);
        await File.WriteAllTextAsync(stripped, System.Text.RegularExpressions.Regex.Replace(text, "<svg.*?</svg>", "", System.Text.RegularExpressions.RegexOptions.Singleline));
        var withoutCharts = ChartPixels(await ScreenshotAsync(stripped));

        output.WriteLine($"chart-coloured pixels: {withCharts} with charts, {withoutCharts} without");
        Assert.True(withCharts > 5000, $"only {withCharts} chart-coloured pixels were drawn");
        Assert.True(withoutCharts * 10 < withCharts, $"{withoutCharts} chart-coloured pixels without charts");
    }

    [Fact]
    public async Task Audit_UnknownProbe_ExitsTwoNamingIt()
    {
        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(["audit", "--backend", "sim", "--accelerator", "cpu", "--probe", "telepathy"]);

        Assert.Equal(2, code);
        Assert.Contains("--probe: 'telepathy'", stderr, StringComparison.Ordinal);
    }

    /// <summary>Saturated pixels: the charts' reds, blues and greens, unlike the page's greys and black text.</summary>
    private static int ChartPixels(PngImage png)
    {
        var n = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                var (r, g, b) = png[x, y];
                if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 80)
                {
                    n++;
                }
            }
        }

        return n;
    }

    private static async Task<PngImage> ScreenshotAsync(string html)
    {
        var profile = Directory.CreateTempSubdirectory("gpuqos-chromium-");
        var png = Path.Combine(profile.FullName, "shot.png");
        try
        {
            var psi = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile.FullName, "--screenshot=" + png,
                "--window-size=1200,2000", new Uri(html).AbsoluteUri,
            })
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(cts.Token);
            Assert.True(File.Exists(png), "chromium wrote no screenshot: " + await stderr);
            return PngImage.Read(png);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
