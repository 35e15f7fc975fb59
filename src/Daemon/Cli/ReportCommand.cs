using System.CommandLine;
using System.Globalization;
using GpuQos.Advisor.Readers;
using GpuQos.Model.Configuration;
using GpuQos.Daemon.Reports;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// <c>gpuqos report usage</c>: GPU-hours used and reserved per tenant or GPU model over a window, from the usage
/// counters in Prometheus, summed on the server; priced per GPU model with <c>--price</c>.
/// </summary>
internal static class ReportCommand
{
    public static Command Create() => new("report", "Reports over a fleet, read from Prometheus.") { Usage() };

    private static Command Usage()
    {
        var prometheus = new Option<string>("--prometheus") { Description = "Base URL of the Prometheus (or Thanos, Mimir, VictoriaMetrics) that scrapes the gpuqos daemons.", Required = true, HelpName = "URL" };
        var since = new Option<string>("--since") { Description = "Length of the window, ending at --until: 30d, 7d, 12h.", DefaultValueFactory = _ => "30d", HelpName = "DURATION" };
        var until = new Option<string?>("--until") { Description = "End of the window, RFC 3339 (2026-12-01T00:00:00Z) or Unix seconds. Default: now.", HelpName = "TIME" };
        var by = new Option<string>("--by") { Description = "Rows per tenant, per Kubernetes namespace (each tenant's time on a GPU split among its pods' namespaces by their sampled SM time), or per GPU model.", DefaultValueFactory = _ => "tenant", HelpName = "tenant|namespace|gpu-model" };
        var format = new Option<string>("--format") { Description = "table for people, csv or json for scripts (on stdout; the progress bar goes to stderr).", DefaultValueFactory = _ => "table", HelpName = "table|csv|json" };
        var price = new Option<FileInfo?>("--price") { Description = "YAML file of prices per GPU-hour per GPU model, for showback:  currency: USD / prices: {\"NVIDIA H100 80GB HBM3\": 2.5}", HelpName = "FILE" };
        var top = new Option<int>("--top") { Description = "How many pods to list by SM time, estimated from the sampled process gauges and the targets' up series (0: none).", DefaultValueFactory = _ => 10, HelpName = "N" };
        var split = new Option<string>("--split") { Description = "Longest range one query covers; a longer window is read range by range.", DefaultValueFactory = _ => "1d", HelpName = "DURATION" };
        var command = new Command("usage", """
            GPU-hours used and reserved per tenant (or GPU model) over a window, their ratio, the top pods, and with
            --price their cost. Used time counts a MIG instance by its share of the GPU's SMs (a 1g A100 instance busy
            for an hour is 1/7 GPU-hour); reserved time counts MIG instances, vGPU framebuffers and min-sm-share floors
            whether used or not. The figures come from counters the daemons integrate every collection cycle
            (gpuqos_tenant_sm_seconds_total, gpuqos_tenant_reserved_seconds_total), summed in PromQL on the server.

            A host with impossible figures, or a range whose query fails twice, is named and left out; the rest is
            reported. Exit status: 0 complete, 1 something was left out, 2 error.

            Examples:
              gpuqos report usage --prometheus http://prometheus:9090 --since 30d
              gpuqos report usage --prometheus http://prometheus:9090 --since 7d --by gpu-model --price prices.yaml
              gpuqos report usage --prometheus http://prometheus:9090 --since 30d --by namespace --format csv
              gpuqos report usage --prometheus http://prometheus:9090 --since 30d --until 2026-12-01T00:00:00Z --format csv > november.csv
            """)
        {
            prometheus, since, until, by, format, price, top, split,
        };
        command.SetAction(async (parse, ct) => await RunAsync(
            parse.GetValue(prometheus)!, parse.GetValue(since)!, parse.GetValue(until), parse.GetValue(by)!, parse.GetValue(format)!, parse.GetValue(price), parse.GetValue(top), parse.GetValue(split)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(string prometheus, string since, string? until, string by, string format, FileInfo? price, int top, string split, CancellationToken ct)
    {
        var errors = new List<string>();
        if (!Units.TryParseDuration(since, out var window) || window <= TimeSpan.Zero)
        {
            errors.Add($"--since '{since}' is not a duration such as 30d, 7d or 12h");
        }

        if (!Units.TryParseDuration(split, out var range) || range < TimeSpan.FromMinutes(1))
        {
            errors.Add($"--split '{split}' is not a duration of at least 1m, such as 1d or 6h");
        }

        var end = ParseTime(until, errors);
        UsageGrouping? grouping = by switch
        {
            "tenant" => UsageGrouping.Tenant,
            "namespace" => UsageGrouping.Namespace,
            "gpu-model" => UsageGrouping.GpuModel,
            _ => null,
        };
        if (grouping is null)
        {
            errors.Add($"--by '{by}' is not one of tenant, namespace, gpu-model");
        }

        if (format is not ("table" or "csv" or "json"))
        {
            errors.Add($"--format '{format}' is not one of table, csv, json");
        }

        if (top < 0)
        {
            errors.Add($"--top {top} must be 0 or more");
        }

        if (!Uri.TryCreate(prometheus.EndsWith('/') ? prometheus : prometheus + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            errors.Add($"--prometheus '{prometheus}' is not an http(s) URL");
        }

        PriceListOptions? prices = null;
        if (price is not null)
        {
            try
            {
                prices = YamlBinder.Load<PriceListOptions>(await File.ReadAllTextAsync(price.FullName, ct), price.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ConfigException)
            {
                errors.Add($"--price {price.FullName}: {ex.Message}");
            }
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("gpuqos: " + error);
            }

            return ExitCodes.Error;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var reader = new UsageReader(new PrometheusClient(http, baseUri!));
        var request = new UsageRequest(end - window, end, range, grouping!.Value, top, prices);
        UsageReport report;
        try
        {
            report = await ReadWithProgressAsync(reader, request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or PrometheusQueryException)
        {
            await Console.Error.WriteLineAsync($"gpuqos: cannot read usage from Prometheus at {prometheus}: {ex.Message}");
            return ExitCodes.Error;
        }

        if (report.Rows.Count == 0 && report.FailedRanges.Count > 0)
        {
            await Console.Error.WriteLineAsync($"gpuqos: no range of the window could be read from {prometheus}: {report.FailedRanges[0]}");
            return ExitCodes.Error;
        }

        switch (format)
        {
            case "json":
                await Console.Out.WriteLineAsync(UsageReportWriter.ToJson(report));
                break;
            case "csv":
                await Console.Out.WriteAsync(UsageReportWriter.ToCsv(report));
                break;
            default:
                UsageReportWriter.Render(AnsiConsole.Console, report);
                break;
        }

        if (report.Rows.Count == 0)
        {
            await Console.Error.WriteLineAsync($"gpuqos: {prometheus} has no gpuqos_tenant_sm_seconds_total in the window; do its daemons run GpuQos with usage counters, and is --until right?");
        }

        foreach (var left in report.SkippedHosts.Concat(report.FailedRanges))
        {
            await Console.Error.WriteLineAsync("gpuqos: left out " + left);
        }

        return report.Complete ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<UsageReport> ReadWithProgressAsync(UsageReader reader, UsageRequest request, CancellationToken ct)
    {
        // The bar goes to stderr, and only to a terminal, so that csv and json on stdout stay clean.
        if (Console.IsErrorRedirected)
        {
            return await reader.ReadAsync(request, null, ct);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask($"reading {UsageReader.Ranges(request.From, request.Until, request.Split).Count} range(s)", maxValue: 1);
            return await reader.ReadAsync(request, new Progress<double>(done => task.Value = done), ct);
        });
    }

    internal static DateTimeOffset ParseTime(string? text, List<string> errors)
    {
        if (text is null)
        {
            return TimeProvider.System.GetUtcNow();
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        errors.Add($"--until '{text}' is not a time in RFC 3339 (2026-12-01T00:00:00Z) or Unix seconds");
        return default;
    }
}
