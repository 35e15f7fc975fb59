using System.CommandLine;
using GpuQos.Daemon.Configuration;

namespace GpuQos.Daemon.Cli;

/// <summary>Options shared by the verbs that read GPUs.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo?> Config() => new("--config", "-c")
    {
        Description = $"Configuration file (YAML). Default: {ConfigLoader.DefaultPath} if it exists; on the simulated demo host, its built-in tenants and policies.",
        HelpName = "FILE",
    };

    public static Option<string?> Backend() => new Option<string?>("--backend", "-b")
    {
        Description = "Where GPU readings come from: 'nvml' (the driver's libnvidia-ml.so.1), 'sim' (a simulated host, no GPU needed), or 'auto' (NVML, and a clear error when there is no GPU). Default: the configuration's settings.backend, else auto.",
        HelpName = "auto|nvml|sim",
    }.AcceptOnlyFromAmong("auto", "nvml", "sim");

    public static Option<FileInfo?> Scenario() => new("--scenario")
    {
        Description = "Scenario file describing the simulated host (with --backend sim). Default: the built-in demo host. Examples are in scenarios/.",
        HelpName = "FILE",
    };

    /// <summary>For the verbs that call a daemon: a file holding the bearer token, sent as <c>Authorization: Bearer</c>.</summary>
    public static Option<FileInfo?> TokenFile() => new("--token-file")
    {
        Description = "File holding the daemon's bearer token (web.tokenFile), for a daemon whose web.readAuth requires credentials.",
        HelpName = "FILE",
    };

    /// <summary>Adds the token of <paramref name="tokenFile"/> (when given) to every request of <paramref name="http"/>; returns an error message or null.</summary>
    public static async Task<string?> AuthorizeAsync(HttpClient http, FileInfo? tokenFile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (tokenFile is null)
        {
            return null;
        }

        string token;
        try
        {
            token = (await File.ReadAllTextAsync(tokenFile.FullName, ct)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"--token-file: cannot read {tokenFile.FullName}: {ex.Message}";
        }

        if (token.Length == 0 || token.Any(char.IsWhiteSpace))
        {
            return $"--token-file: {tokenFile.FullName} must hold one token without spaces";
        }

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return null;
    }

    public static BackendKind? ParseBackend(string? value) => value switch
    {
        "auto" => BackendKind.Auto,
        "nvml" => BackendKind.Nvml,
        "sim" => BackendKind.Sim,
        _ => null,
    };
}
