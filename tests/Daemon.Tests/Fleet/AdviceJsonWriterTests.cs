using System.Text;
using System.Text.Json;
using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Daemon.Cli;
using GpuQos.Daemon.Http.Api;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Tests.Fleet;

/// <summary>
/// <c>advise --json</c> writes its document one host at a time (issue 23: a 1,000-host document was 162 MB, held
/// whole). The bytes must be those of the whole document serialized at once, and each host must reach the output
/// as it is written, not at the end.
/// </summary>
public sealed class AdviceJsonWriterTests
{
    [Fact]
    public async Task WriteHostAsync_HostByHost_WritesTheBytesOfTheWholeDocumentAndEachHostAtOnce()
    {
        var advisor = new SharingAdvisor(new AdvisorOptions());
        var hosts = new[] { Host("a:9450", 0.05, 0.1), Host("b:9450", 0.3, 0.45), Host("c:9450", 0.1, 0.6) }
            .Select(h => (Evidence: h, Advice: advisor.Advise(h))).ToArray();
        var fleet = FleetSummarizer.Summarize(hosts);
        var whole = JsonSerializer.Serialize(fleet, ApiJsonContext.Api.FleetAdvice) + "\n";

        using var output = new MemoryStream();
        var tally = new FleetTally();
        await using (var writer = new AdviceJsonWriter(output))
        {
            foreach (var (evidence, advice) in hosts)
            {
                await writer.WriteHostAsync(advice, CancellationToken.None);
                tally.Add(evidence, advice);
                // The host is in the output now, before the next is advised: nothing of it waits in the writer.
                var written = Encoding.UTF8.GetString(output.ToArray());
                Assert.Contains("\"host\": \"" + advice.Host + "\"", written, StringComparison.Ordinal);
                Assert.EndsWith("}", written, StringComparison.Ordinal);
            }

            await writer.FinishAsync(tally.Summary(), CancellationToken.None);
        }

        Assert.Equal(whole, Encoding.UTF8.GetString(output.ToArray()));
        var document = JsonDocument.Parse(output.ToArray()).RootElement;
        Assert.Equal(["a:9450", "b:9450", "c:9450"], document.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("host").GetString()));
        Assert.Equal(3, document.GetProperty("summary").GetProperty("hosts").GetInt32());
    }

    private static AdvisorEvidence Host(string name, double p50, double p95)
    {
        var tenants = new[] { "team-a", "team-b" }.Select(t => new TenantEvidence(t, new DemandStats(p50, p95, p95 * 1.1, p95 * 1.2, 672), 8L << 30, null)).ToArray();
        GpuEvidence[] gpus =
        [
            new(0, "GPU-0-" + name, GpuModels.H100Sxm80.ProductName, SharingMode.TimeSliced, [], tenants, null, null),
            new(1, "GPU-1-" + name, GpuModels.A100Sxm40.ProductName, SharingMode.Exclusive, [], [tenants[0]], null, null),
        ];
        return new AdvisorEvidence(name, "prometheus", TimeSpan.FromDays(7), gpus, ["no gpuqos_audit_probe_passed series: no isolation audit in the window"]);
    }
}
