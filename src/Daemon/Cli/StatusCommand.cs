using System.CommandLine;
using System.Net;
using System.Text.Json;
using GpuQos.Daemon.Http.Api;
using Spectre.Console;

namespace GpuQos.Daemon.Cli;

/// <summary><c>gpuqos status</c>: the running daemon's state as tables, or as JSON.</summary>
internal static class StatusCommand
{
    public const string DefaultUrl = "http://127.0.0.1:9450";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the daemon.", DefaultValueFactory = _ => DefaultUrl, HelpName = "URL" };
        var json = new Option<bool>("--json") { Description = "Print /api/v1/state (with the recent actions under \"actions\") as JSON for scripts." };
        var wide = new Option<bool>("--wide") { Description = "Add the UUID columns and every field in full (rows may then be wider than the terminal)." };
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command("status", """
            Show a running daemon's GPUs, partitions, tenants, SLA states and recent actions. Exit code: 0 shown,
            2 the daemon could not be reached or answered with an error.
            """)
        {
            url, json, wide, tokenFile,
        };
        command.SetAction(async (parse, ct) => await ShowAsync(parse.GetValue(url)!, parse.GetValue(json), parse.GetValue(wide), parse.GetValue(tokenFile), ct));
        return command;
    }

    private static async Task<int> ShowAsync(string url, bool json, bool wide, FileInfo? tokenFile, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"gpuqos: --url: '{url}' is not an http:// or https:// URL (e.g. {DefaultUrl})");
            return ExitCodes.Error;
        }

        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(5) };
        if (await CommonOptions.AuthorizeAsync(http, tokenFile, ct) is { } problem)
        {
            await Console.Error.WriteLineAsync("gpuqos: " + problem);
            return ExitCodes.Error;
        }

        StateDocument state;
        try
        {
            using var response = await http.GetAsync("/api/v1/state", ct);
            if (!response.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"gpuqos: {baseUri}api/v1/state answered {(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync(ct)}");
                return ExitCodes.Error;
            }

            state = await response.Content.ReadFromJsonAsync(ApiJsonContext.Api.StateDocument, ct) ?? throw new JsonException("the daemon answered null");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            await Console.Error.WriteLineAsync($"gpuqos: cannot reach the daemon at {baseUri}api/v1/state: {ex.Message}. Is the daemon running (gpuqos run, or systemctl status gpuqos), and is --url right?");
            return ExitCodes.Error;
        }

        var actions = await ActionsAsync(http, ct);
        if (json)
        {
            // The state document as served, with the recent actions added under "actions".
            var document = JsonSerializer.SerializeToNode(state, ApiJsonContext.Api.StateDocument)!.AsObject();
            if (actions is not null)
            {
                document["actions"] = JsonSerializer.SerializeToNode(actions, ApiJsonContext.Api.IReadOnlyListActionEntry);
            }

            await Console.Out.WriteLineAsync(document.ToJsonString(ApiJsonContext.Api.Options));
            return ExitCodes.Ok;
        }

        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Piped output has no terminal width; keep rows whole rather than wrapped at 80 columns.
            console.Profile.Width = 200;
        }

        StateTables.Write(console, baseUri, state, actions, TimeProvider.System.GetUtcNow(), wide);
        return ExitCodes.Ok;
    }

    // Recent actions come from the enforcer's endpoint; a daemon without enforcement has none to show.
    private static async Task<IReadOnlyList<ActionEntry>?> ActionsAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/actions", ct);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync(ApiJsonContext.Api.IReadOnlyListActionEntry, ct) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }
}
