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

    public static BackendKind? ParseBackend(string? value) => value switch
    {
        "auto" => BackendKind.Auto,
        "nvml" => BackendKind.Nvml,
        "sim" => BackendKind.Sim,
        _ => null,
    };
}
