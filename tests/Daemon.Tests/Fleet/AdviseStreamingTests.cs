using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GpuQos.Daemon.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GpuQos.Daemon.Tests.Fleet;

/// <summary>
/// Issue 23: <c>advise --prometheus --json</c> at 1,000 hosts held the whole fleet's evidence, advice and document
/// (about a GiB). Each host must reach stdout once its batch is read, while later batches are still in Prometheus.
/// A stand-in Prometheus holds back the second batch's answers until the first host's advice is on stdout.
/// </summary>
public sealed partial class AdviseStreamingTests
{
    // Under the command's 60 s HTTP timeout: a held-back query that is never released fails the test on its order,
    // not on a timeout.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task AdvisePrometheusJson_TwoBatches_WritesTheFirstHostBeforeTheSecondBatchIsAnswered()
    {
        var firstHostOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldBack = 0;
        var releasedUnseen = 0;
        Task<Task>? gate = null;
        var port = DaemonProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        await using var prometheus = builder.Build();
        prometheus.MapPost("/api/v1/query", async (HttpRequest request) =>
        {
            var query = (await request.ReadFormAsync()).First(f => f.Key == "query").Value.ToString();
            var host = Instance().Match(query) is { Success: true } m ? m.Groups[1].Value : null;
            // The coverage of every batch comes first (the fleet's data starts at the earliest); the evidence is held.
            if (host == "host-b:9450" && !query.Contains("timestamp(", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref heldBack);
                // One deadline for all of them, from the first held query on.
                if (await LazyInitializer.EnsureInitialized(ref gate, () => Task.WhenAny(firstHostOut.Task, Task.Delay(Patience))) != firstHostOut.Task)
                {
                    Interlocked.Exchange(ref releasedUnseen, 1);
                }
            }

            return Results.Text(Answer(query, host), "application/json");
        });
        await prometheus.StartAsync();

        // One host per query over one day: host-a and host-b are two batches.
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { DaemonProcess.DllPath, "advise", "--prometheus", $"http://127.0.0.1:{port}", "--since", "1d", "--until", "1796558400", "--json", "--host-days-per-query", "1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            stdout.AppendLine(line);
            if (!firstHostOut.Task.IsCompleted && line.Contains("\"host\": \"host-a:9450\"", StringComparison.Ordinal))
            {
                firstHostOut.TrySetResult();
            }
        }

        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(exit.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        Assert.True(releasedUnseen == 0, $"host-a's advice was not on stdout {Patience.TotalSeconds} s after host-b's batch was asked for: it waits for the whole fleet");
        Assert.True(heldBack > 0, "no query for host-b's batch arrived");

        // Still one JSON document, the hosts in order, the fleet summary at the end.
        var document = JsonDocument.Parse(stdout.ToString()).RootElement;
        Assert.Equal(["host-a:9450", "host-b:9450"], document.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("host").GetString()));
        Assert.All(document.GetProperty("hosts").EnumerateArray(), h => Assert.Equal("team-a", Assert.Single(Assert.Single(h.GetProperty("gpus").EnumerateArray()).GetProperty("evidence").GetProperty("tenants").EnumerateArray()).GetProperty("name").GetString()));
        Assert.Equal(2, document.GetProperty("summary").GetProperty("hosts").GetInt32());
        Assert.Equal(2, document.GetProperty("summary").GetProperty("gpus").GetInt32());
    }

    [Fact]
    public async Task AdvisePrometheus_MalformedUrl_ExitsTwoNamingIt()
    {
        // The reader is made when the first host is asked for; a bad URL is still a reading error, not a crash.
        var (code, stdout, stderr) = await DaemonProcess.RunToEndAsync(["advise", "--prometheus", "not a url", "--since", "1d", "--json"], build: DaemonBuild.Jit);

        Assert.Equal(2, code);
        Assert.Contains("cannot read evidence from Prometheus at not a url", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    /// <summary>Each host: one time-sliced H100 with one tenant; every other series is absent (an empty vector).</summary>
    private static string Answer(string query, string? host)
    {
        var samples = new List<(Dictionary<string, string> Labels, double Value)>();
        if (query.StartsWith("last_over_time(gpuqos_gpu_info[", StringComparison.Ordinal))
        {
            foreach (var h in new[] { "host-a:9450", "host-b:9450" })
            {
                samples.Add((new() { ["instance"] = h, ["gpu"] = "0", ["uuid"] = "GPU-" + h, ["name"] = "NVIDIA H100 80GB HBM3", ["mode"] = "time-sliced" }, 1));
            }
        }
        else if (host is not null && !query.Contains("timestamp(", StringComparison.Ordinal))
        {
            var tenant = new Dictionary<string, string> { ["instance"] = host, ["gpu"] = "0", ["tenant"] = "team-a" };
            double? value = query switch
            {
                _ when query.StartsWith("quantile_over_time(0.5, gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal) => 0.2,
                _ when query.StartsWith("quantile_over_time(0.95, gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal) => 0.3,
                _ when query.StartsWith("quantile_over_time(0.99, gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal) => 0.4,
                _ when query.StartsWith("max_over_time(gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal) => 0.5,
                _ when query.StartsWith("count_over_time(gpuqos_tenant_sm_share_ratio", StringComparison.Ordinal) => 96,
                _ when query.StartsWith("max_over_time(gpuqos_tenant_memory_used_bytes", StringComparison.Ordinal) => 8L << 30,
                _ => null,
            };
            if (value is { } v)
            {
                samples.Add((tenant, v));
            }
        }

        return JsonSerializer.Serialize(new
        {
            status = "success",
            data = new
            {
                resultType = "vector",
                result = samples.Select(s => new { metric = s.Labels, value = new object[] { 1796558400, s.Value.ToString("R", CultureInfo.InvariantCulture) } }),
            },
        });
    }

    [GeneratedRegex("instance=~\"([^\"]*)\"")]
    private static partial Regex Instance();
}
