using System.Diagnostics;
using System.Globalization;
using GpuQos.Collectors.Backends;

namespace GpuQos.Collectors.Nvml;

/// <summary>
/// Sends commands to the MPS control daemon through <c>nvidia-cuda-mps-control</c>. The binary's name is fixed
/// and each command line is built from integers here, so no configuration value can become a command.
/// </summary>
internal sealed class MpsControl(IReadOnlyList<string>? searchPath)
{
    /// <summary>The function name errors report.</summary>
    public const string Function = "nvidia-cuda-mps-control";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>set_active_thread_percentage SERVER PCT</c> for one server, or <c>set_default_active_thread_percentage PCT</c>
    /// when <paramref name="serverPid"/> is null. Either reaches only clients created afterwards.
    /// </summary>
    public void SetActiveThreadPercentage(int gpu, int? serverPid, int percentage)
    {
        var command = serverPid is { } pid
            ? string.Create(CultureInfo.InvariantCulture, $"set_active_thread_percentage {pid} {percentage}")
            : string.Create(CultureInfo.InvariantCulture, $"set_default_active_thread_percentage {percentage}");
        Send(gpu, command);
    }

    private void Send(int gpu, string command)
    {
        var binary = Locate() ?? throw new GpuBackendException(Function, "NOT_SUPPORTED", gpu,
            $"{Function} is not installed (searched {string.Join(':', Directories())}); MPS cannot be controlled on this host");
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new GpuBackendException(Function, "UNKNOWN", gpu, $"{binary} could not be started");
        process.StandardInput.WriteLine(command);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new GpuBackendException(Function, "TIMEOUT", gpu, $"{Function} did not answer '{command}' within {Timeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new GpuBackendException(Function, "UNKNOWN", gpu, $"{Function} '{command}' exited {process.ExitCode}: {error.Result.Trim()}{output.Result.Trim()}");
        }
    }

    private string? Locate() => Directories()
        .Select(d => Path.Combine(d, Function))
        .FirstOrDefault(File.Exists);

    private IEnumerable<string> Directories() =>
        searchPath ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
}
