using GpuQos.Daemon.Http.Api;
using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Output;
using GpuQos.Advisor.Readers;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// <c>gpuqos advise</c>: recommends each GPU's sharing mode and MIG geometry from a running daemon's history
/// (<c>--url</c>) or from Prometheus for a fleet and longer windows (<c>--prometheus</c>). It writes the files
/// to apply the advice (<c>--out</c>) and never applies anything itself.
/// </summary>
internal static class AdviseCommand
{
    public const string DefaultSince = "7d";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of a running daemon; its in-memory history is the evidence.", DefaultValueFactory = _ => StatusCommand.DefaultUrl, HelpName = "URL" };
        var prometheus = new Option<string?>("--prometheus") { Description = "Base URL of a Prometheus that scrapes gpuqos daemons: every host it knows is analysed.", HelpName = "URL" };
        var since = new Option<string>("--since") { Description = "Window of Prometheus history to use (with --prometheus).", DefaultValueFactory = _ => DefaultSince, HelpName = "DURATION" };
        var json = new Option<bool>("--json") { Description = "Print the advice as JSON for automation." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Write ready-to-apply files per host: mig-parted.yaml, device-plugin.yaml, gpuqos-suggestions.yaml.", HelpName = "DIR" };
        var weights = new Option<FileInfo?>("--weights") { Description = "YAML file with the scoring weights and margins (see docs/advisor.md).", HelpName = "FILE" };
        var hostDays = new Option<double>("--host-days-per-query")
        {
            Description = "With --prometheus: how many host-days one query reads; the hosts are read in batches of this over the window, so that no query touches the whole fleet.",
            DefaultValueFactory = _ => HostShards.DefaultHostDaysPerQuery,
            HelpName = "N",
        };
        var until = new Option<string?>("--until") { Description = "With --prometheus: end of the window, RFC 3339 or Unix seconds. Default: now.", HelpName = "TIME" };
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command("advise", "Recommend each GPU's sharing mode (exclusive, time-slicing, MPS, a MIG geometry, vGPU) from measured demand, SLA history and audits.")
        {
            url, prometheus, since, until, json, output, weights, hostDays, tokenFile,
        };
        command.SetAction(async (parse, ct) => await RunAsync(
            parse.GetValue(url)!, parse.GetValue(prometheus), parse.GetValue(since)!, parse.GetValue(until), parse.GetValue(json), parse.GetValue(output), parse.GetValue(weights), parse.GetValue(hostDays), parse.GetValue(tokenFile), ct));
        return command;
    }

    private static async Task<int> RunAsync(string url, string? prometheus, string since, string? until, bool json, DirectoryInfo? output, FileInfo? weights, double hostDaysPerQuery, FileInfo? tokenFile, CancellationToken ct)
    {
        AdvisorOptions options;
        try
        {
            options = weights is null ? new AdvisorOptions() : YamlBinder.Load<AdvisorOptions>(await File.ReadAllTextAsync(weights.FullName, ct), weights.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ConfigException)
        {
            await Console.Error.WriteLineAsync($"gpuqos: cannot use --weights {weights!.FullName}: {ex.Message}");
            return ExitCodes.Error;
        }

        if (!Units.TryParseDuration(since, out var window) || window <= TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"gpuqos: --since '{since}' is not a duration such as 7d, 24h or 30m");
            return ExitCodes.Error;
        }

        if (!double.IsFinite(hostDaysPerQuery) || hostDaysPerQuery <= 0)
        {
            await Console.Error.WriteLineAsync($"gpuqos: --host-days-per-query {hostDaysPerQuery} is not a positive number of host-days");
            return ExitCodes.Error;
        }

        var errors = new List<string>();
        var end = ReportCommand.ParseTime(until, errors);
        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync("gpuqos: " + errors[0]);
            return ExitCodes.Error;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        if (prometheus is null && await CommonOptions.AuthorizeAsync(http, tokenFile, ct) is { } problem)
        {
            await Console.Error.WriteLineAsync("gpuqos: " + problem);
            return ExitCodes.Error;
        }

        var source = prometheus ?? url;
        var hosts = prometheus is not null
            ? FromPrometheusAsync(http, prometheus, hostDaysPerQuery, window, end, ct)
            : FromDaemonAsync(http, url, ct);
        // Hosts of one fleet often carry the same tenants on the same models: their MIG searches are made once.
        var advisor = new SharingAdvisor(options, new MigGeometryMemo());
        var tally = new FleetTally();
        var written = new List<string>();
        ReportDirectory? directory = null;
        AdviceJsonWriter? document = null;

        // Each host is advised, written and let go before the next is read: a fleet's evidence, advice and document
        // are never held whole (about a GiB at 1,000 hosts x 7 days when they were). Hosts without a GPU wait until
        // one with a GPU shows that the source is a GpuQos one; with none, nothing is written. An error on the way
        // leaves what was written so far (an incomplete JSON document) and exits 2.
        var held = new List<HostAdvice>();
        var anyGpu = false;
        await using var evidence = hosts.GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                try
                {
                    if (!await evidence.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or JsonException or PrometheusQueryException or KeyNotFoundException)
                {
                    await Console.Error.WriteLineAsync(prometheus is not null
                        ? $"gpuqos: cannot read evidence from Prometheus at {prometheus}: {ex.Message}"
                        : $"gpuqos: cannot read evidence from the daemon at {url}/api/v1/advice/evidence: {ex.Message}. Is the daemon running (gpuqos run), and is --url right? For a fleet, use --prometheus URL.");
                    return ExitCodes.Error;
                }

                var advice = advisor.Advise(evidence.Current);
                tally.Add(evidence.Current, advice);
                held.Add(advice);
                anyGpu |= evidence.Current.Gpus.Count > 0;
                if (!anyGpu)
                {
                    continue;
                }

                foreach (var host in held)
                {
                    if (output is not null)
                    {
                        try
                        {
                            directory ??= ReportDirectory.Open(output.FullName);
                            written.AddRange(WriteFiles(directory, AdviceFiles.Render([host])));
                        }
                        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
                        {
                            await Console.Error.WriteLineAsync($"gpuqos: --out {output.FullName}: {ex.Message}");
                            return ExitCodes.Error;
                        }
                    }

                    if (json)
                    {
                        document ??= new AdviceJsonWriter(Console.OpenStandardOutput());
                        await document.WriteHostAsync(host, ct);
                    }
                    else
                    {
                        AdviceTable.RenderHost(Spectre.Console.AnsiConsole.Console, host);
                    }
                }

                held.Clear();
            }

            if (!anyGpu)
            {
                await Console.Error.WriteLineAsync($"gpuqos: {source} has no GpuQos GPUs in the window ({since}); is it scraping a gpuqos daemon?");
                return ExitCodes.Error;
            }

            var summary = tally.Summary();
            if (document is not null)
            {
                await document.FinishAsync(summary, ct);
            }
            else
            {
                AdviceTable.RenderFleet(Spectre.Console.AnsiConsole.Console, summary, prometheus is not null, written);
            }

            return ExitCodes.Ok;
        }
        finally
        {
            if (document is not null)
            {
                await document.DisposeAsync();
            }
        }
    }

    // The URL is made into a Uri when the first host is asked for, where a bad one is reported as a reading error.
    private static async IAsyncEnumerable<AdvisorEvidence> FromPrometheusAsync(HttpClient http, string prometheus, double hostDaysPerQuery, TimeSpan window, DateTimeOffset end, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = new PrometheusEvidenceReader(new PrometheusClient(http, BaseUri(prometheus)), TimeProvider.System, hostDaysPerQuery);
        await foreach (var host in reader.ReadHostsAsync(window, end, ct))
        {
            yield return host;
        }
    }

    private static async IAsyncEnumerable<AdvisorEvidence> FromDaemonAsync(HttpClient http, string url, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return await http.GetFromJsonAsync(new Uri(BaseUri(url), "api/v1/advice/evidence"), ApiJsonContext.Api.AdvisorEvidence, ct)
            ?? throw new JsonException("empty answer");
    }

    private static List<string> WriteFiles(ReportDirectory directory, IReadOnlyList<AdviceFile> files)
    {
        var written = new List<string>();
        foreach (var host in files.GroupBy(f => f.HostDirectory, StringComparer.Ordinal))
        {
            var hostDirectory = directory.Child(host.Key);
            written.AddRange(host.Select(f => hostDirectory.Write(f.Name, f.Text)));
        }

        return written;
    }

    private static Uri BaseUri(string url) => new(url.EndsWith('/') ? url : url + "/");
}
