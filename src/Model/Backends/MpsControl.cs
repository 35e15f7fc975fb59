using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace GpuQos.Model.Backends;

/// <summary>
/// Talks to the MPS control daemon by running its control binary, one command on its standard input, with
/// <c>CUDA_MPS_PIPE_DIRECTORY</c> set. The binary is named by an absolute path and is refused unless root owns it
/// and neither group nor others may write it: the daemon runs it as root. Each command line is built here from
/// integers and a checked limit, so no configuration value can become a command. The shell answers errors on its
/// standard output with exit status 0, so every answer is parsed, not only the exit status.
/// </summary>
public sealed partial class MpsControl : IMpsControl
{
    /// <summary>The function name errors report.</summary>
    public const string Function = "nvidia-cuda-mps-control";

    private readonly string _binary;
    private readonly string _pipeDirectory;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the client; nothing is run until the first command.</summary>
    /// <param name="binary">Absolute path of <c>nvidia-cuda-mps-control</c>.</param>
    /// <param name="pipeDirectory">The control daemon's pipe directory (<c>CUDA_MPS_PIPE_DIRECTORY</c>).</param>
    /// <param name="timeout">How long one command may take.</param>
    public MpsControl(string binary, string pipeDirectory, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(binary);
        ArgumentException.ThrowIfNullOrEmpty(pipeDirectory);
        _binary = binary;
        _pipeDirectory = pipeDirectory;
        _timeout = timeout;
    }

    /// <summary>
    /// The control binary found in <paramref name="searchPath"/> (or <c>PATH</c>), with MPS's default pipe
    /// directory: for the backend's own <see cref="IGpuControl.SetMpsActiveThreadPercentage"/>. The enforcer
    /// uses the absolute path and pipe directory its configuration names instead.
    /// </summary>
    public static MpsControl Locate(IReadOnlyList<string>? searchPath)
    {
        var directories = searchPath ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var binary = directories.Select(d => Path.Combine(d, Function)).FirstOrDefault(File.Exists) ?? Path.Combine("/usr/bin", Function);
        return new MpsControl(Path.GetFullPath(binary), DefaultPipeDirectory, TimeSpan.FromSeconds(5));
    }

    /// <summary>MPS's pipe directory when <c>CUDA_MPS_PIPE_DIRECTORY</c> is not set.</summary>
    public const string DefaultPipeDirectory = "/run/nvidia-mps";

    /// <inheritdoc />
    public IReadOnlyList<int> Servers() => Pids(Send("get_server_list"), "get_server_list");

    /// <inheritdoc />
    public IReadOnlyList<int> Clients(int server) => Pids(Send(Command($"get_client_list {server}")), "get_client_list");

    /// <inheritdoc />
    public int GetActiveThreadPercentage(int server)
    {
        var command = Command($"get_active_thread_percentage {server}");
        var answer = Single(Send(command), command);
        return double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 100
            ? (int)Math.Round(value)
            : throw Error(command, answer);
    }

    /// <inheritdoc />
    public void SetActiveThreadPercentage(int server, int percentage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentage, 100);
        var command = Command($"set_active_thread_percentage {server} {percentage}");
        RequireEcho(command, Send(command));
    }

    /// <summary>
    /// <c>set_default_active_thread_percentage PCT</c>: reaches only servers started afterwards, of every user. The
    /// enforcer never uses it (it would reach protected tenants' next servers); the backend's own call does.
    /// </summary>
    public void SetDefaultActiveThreadPercentage(int percentage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentage, 100);
        var command = Command($"set_default_active_thread_percentage {percentage}");
        RequireEcho(command, Send(command));
    }

    /// <inheritdoc />
    public string GetPinnedMemoryLimit(int server, int device)
    {
        var command = Command($"get_device_pinned_mem_limit {server} {device}");
        var answer = Single(Send(command), command);
        return LimitPattern().IsMatch(answer) ? answer : throw Error(command, answer);
    }

    /// <inheritdoc />
    public void SetPinnedMemoryLimit(int server, int device, string limit)
    {
        if (!LimitPattern().IsMatch(limit))
        {
            throw new ArgumentException($"'{limit}' is not a pinned memory limit (a number of bytes, or one with K, M, G or T)", nameof(limit));
        }

        var command = Command($"set_device_pinned_mem_limit {server} {device} {limit}");
        var lines = Send(command);
        if (lines.Count > 0)
        {
            throw Error(command, string.Join(' ', lines));
        }
    }

    /// <summary>Why the binary must not be run (not absolute, missing, not owned by root, writable by group or others), or null.</summary>
    public static string? Untrusted(string binary)
    {
        if (!Path.IsPathFullyQualified(binary))
        {
            return $"{binary} is not an absolute path";
        }

        if (!File.Exists(binary))
        {
            return $"{binary} does not exist; MPS cannot be controlled on this host";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "MPS is controlled on Linux only";
        }

        if (Owner(binary) is not 0u)
        {
            return $"{binary} is not owned by root; the daemon runs it as root, so it refuses a binary another user could replace";
        }

        var mode = File.GetUnixFileMode(binary);
        return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
            ? $"{binary} is writable by group or others; the daemon runs it as root, so it refuses a binary another user could change"
            : null;
    }

    private static string Command(FormattableString command) => string.Create(CultureInfo.InvariantCulture, $"{command}");

    private List<string> Send(string command)
    {
        if (Untrusted(_binary) is { } reason)
        {
            // A host without MPS installed cannot do this at all; a binary that is there but untrusted is refused.
            throw new GpuBackendException(Function, File.Exists(_binary) ? "NO_PERMISSION" : "NOT_SUPPORTED", -1, reason);
        }

        var psi = new ProcessStartInfo(_binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["CUDA_MPS_PIPE_DIRECTORY"] = _pipeDirectory;
        using var process = Process.Start(psi) ?? throw new GpuBackendException(Function, "UNKNOWN", -1, $"{_binary} could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.WriteLine(command);
        process.StandardInput.Close();
        if (!process.WaitForExit(_timeout))
        {
            process.Kill();
            throw new GpuBackendException(Function, "TIMEOUT", -1, $"{Function} did not answer '{command}' within {_timeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new GpuBackendException(Function, "UNKNOWN", -1, $"{Function} '{command}' exited {process.ExitCode}: {(error.Result + output.Result).Trim()}");
        }

        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    private static List<int> Pids(List<string> lines, string command)
    {
        var pids = new List<int>(lines.Count);
        foreach (var line in lines)
        {
            pids.Add(int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : throw Error(command, line));
        }

        return pids;
    }

    // The shell echoes the percentage it set (or says nothing); anything else is an error message.
    private static void RequireEcho(string command, List<string> lines)
    {
        if (lines.Count > 1 || (lines.Count == 1 && !double.TryParse(lines[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            throw Error(command, string.Join(' ', lines));
        }
    }

    private static string Single(List<string> lines, string command) => lines.Count == 1 ? lines[0] : throw Error(command, string.Join(' ', lines));

    private static GpuBackendException Error(string command, string answer) =>
        new(Function, "UNKNOWN", -1, $"{Function} answered '{command}' with '{answer}'");

    private static unsafe uint? Owner(string path)
    {
        // statx's layout is the same on every architecture, unlike stat's: stx_uid is at byte 20.
        var buffer = stackalloc byte[256];
        return Statx(AtFdCwd, path, 0, StatxUid, buffer) == 0 ? *(uint*)(buffer + 20) : null;
    }

    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [GeneratedRegex("^[0-9]+[KMGT]?$", RegexOptions.CultureInvariant)]
    private static partial Regex LimitPattern();
}
