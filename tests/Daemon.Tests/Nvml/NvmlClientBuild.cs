using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>
/// The independent NVML client (<c>tests/NvmlClient</c>: the Rust nvml-wrapper crate from Debian's packages),
/// built once per test run with <c>cargo build --offline</c> into <c>tests/NvmlClient/target</c>; cargo rebuilds
/// nothing when nothing changed, so later runs reuse that build.
/// </summary>
public static class NvmlClientBuild
{
    /// <summary>Debian's offline cargo registry, where <c>librust-*-dev</c> packages install their crates.</summary>
    public const string Registry = "/usr/share/cargo/registry";

    private static readonly Lazy<string> Built = new(Build);

    /// <summary>The client's executable, built on first use.</summary>
    public static string Executable => Built.Value;

    /// <summary>cargo on PATH, or where rustup puts it; null when there is none.</summary>
    public static string? Cargo { get; } = FindCargo();

    /// <summary>Why the client cannot be built here, or null when it can.</summary>
    public static string? Missing =>
        Cargo is null ? "cargo is not installed (apt-get install cargo, or scripts/setup.sh)"
        : !Directory.Exists(Registry) || !Directory.EnumerateDirectories(Registry, "nvml-wrapper-0.9.*").Any() ? "Debian's nvml-wrapper crate is not installed (apt-get install librust-nvml-wrapper-dev, or scripts/setup.sh)"
        : null;

    private static string Build()
    {
        var project = RepoPaths.Combine("tests", "NvmlClient");
        var psi = new ProcessStartInfo(Cargo ?? throw new InvalidOperationException(Missing), ["build", "--offline", "--quiet", "--manifest-path", Path.Combine(project, "Cargo.toml")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = project,
        };
        using var cargo = Process.Start(psi) ?? throw new InvalidOperationException("cannot start cargo");
        var stdout = cargo.StandardOutput.ReadToEndAsync();
        var stderr = cargo.StandardError.ReadToEnd();
        if (!cargo.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            cargo.Kill(entireProcessTree: true);
            throw new TimeoutException("cargo build of tests/NvmlClient took over 10 minutes");
        }

        if (cargo.ExitCode != 0)
        {
            throw new InvalidOperationException($"cargo build --offline of tests/NvmlClient failed ({cargo.ExitCode}): {stdout.Result}{stderr}");
        }

        return Path.Combine(project, "target", "debug", "gpuqos-nvml-client");
    }

    private static string? FindCargo()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? "";
        var cargoHome = Environment.GetEnvironmentVariable("CARGO_HOME") ?? Path.Combine(home, ".cargo");
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(cargoHome, "bin"))
            .Select(dir => Path.Combine(dir, "cargo"))
            .FirstOrDefault(File.Exists);
    }
}
