using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary><c>gpuqos status</c>: the running daemon's state as tables, or as JSON.</summary>
internal static class StatusCommand
{
    public const string DefaultUrl = "http://127.0.0.1:9450";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the daemon.", DefaultValueFactory = _ => DefaultUrl, HelpName = "URL" };
        var json = new Option<bool>("--json") { Description = "Print /api/v1/state as JSON for scripts." };
        var command = new Command("status", "Show a running daemon's GPUs, partitions, tenants, SLA states and recent actions.") { url, json };
        command.SetAction(async (parse, ct) => await ShowAsync(parse.GetValue(url)!, parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> ShowAsync(string url, bool json, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        JsonElement state;
        try
        {
            state = await http.GetFromJsonAsync<JsonElement>(new Uri(new Uri(url), "/api/v1/state"), ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or JsonException)
        {
            await Console.Error.WriteLineAsync($"gpuqos: cannot read the daemon's state at {url}/api/v1/state: {ex.Message}. Is the daemon running (gpuqos run), and is --url right?");
            return ExitCodes.Error;
        }

        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(state, Http.JsonDefaults.Options));
            return ExitCodes.Ok;
        }

        var console = AnsiConsole.Console;
        console.MarkupLine($"[bold]GpuQos[/] at {Markup.Escape(url)}: backend [bold]{Markup.Escape(Text(state, "backend"))}[/], cycle {Text(state, "sequence")}, {Markup.Escape(Text(state, "timestamp"))}");
        var gpus = new Table().Title("GPUs").AddColumns("GPU", "Name", "Mode", "SM util", "Memory used", "Power", "Partitions", "Processes");
        foreach (var gpu in state.GetProperty("gpus").EnumerateArray())
        {
            var device = gpu.TryGetProperty("device", out var d) ? d : default;
            gpus.AddRow(
                Text(gpu, "index"),
                Markup.Escape(Text(gpu, "name")),
                Text(gpu, "mode") + (gpu.GetProperty("lost").GetBoolean() ? " [red](lost)[/]" : ""),
                Percent(device, "smUtilization"),
                Bytes(device, "memoryUsedBytes") + " / " + Bytes(device, "memoryTotalBytes"),
                device.ValueKind == JsonValueKind.Object && device.TryGetProperty("powerWatts", out var p) ? p.GetDouble().ToString("0", CultureInfo.InvariantCulture) + " W" : "-",
                gpu.GetProperty("partitions").GetArrayLength().ToString(CultureInfo.InvariantCulture),
                gpu.GetProperty("processes").GetArrayLength().ToString(CultureInfo.InvariantCulture));
        }

        console.Write(gpus);
        var tenants = new Table().Title("Tenants").AddColumns("Tenant", "GPU", "SM share", "Memory", "Processes");
        foreach (var t in state.GetProperty("tenants").EnumerateArray())
        {
            tenants.AddRow(Markup.Escape(Text(t, "tenant")), Text(t, "gpu"), Percent(t, "smShare"), Bytes(t, "memoryUsedBytes"), Text(t, "processes"));
        }

        console.Write(tenants);
        return ExitCodes.Ok;
    }

    private static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : "-";

    private static string Percent(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? (v.GetDouble() * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
            : "-";

    private static string Bytes(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? (v.GetDouble() / (1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
            : "-";
}
