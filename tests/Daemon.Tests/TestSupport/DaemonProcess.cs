using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>
/// The real <c>gpuqos</c> executable started as a child process on a free loopback port, for end-to-end
/// tests over HTTP: the published Native AOT binary, the thing users install (<see cref="DaemonBuild"/>).
/// Disposing it stops the process (SIGTERM, then kill).
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DaemonProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }
    public Uri BaseUri { get; }
    public HttpClient Http { get; }
    public int ProcessId => _process.Id;

    /// <summary>Everything the daemon wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Path of the built gpuqos.dll next to the tests.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "gpuqos.dll");

    /// <summary>
    /// Starts <c>gpuqos run ARGS --listen 127.0.0.1:PORT</c> and waits until <c>/readyz</c> answers 200. The published
    /// Native AOT executable runs unless <paramref name="build"/> says otherwise. With <paramref name="sighupIgnored"/>
    /// it starts as under <c>nohup</c>: a shell sets SIGHUP to ignored and execs it, so it inherits that.
    /// </summary>
    public static async Task<DaemonProcess> StartAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? readyTimeout = null, DaemonBuild build = DaemonBuild.Published, bool sighupIgnored = false)
    {
        // The binary first: the first start publishes it (minutes), and a port picked before that is free no longer.
        if (build == DaemonBuild.Published)
        {
            await Operations.PublishedBinary.PathAsync();
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var psi = await CommandAsync(["run", .. args, "--listen", $"127.0.0.1:{port}"], environment, build);
            if (sighupIgnored)
            {
                // exec keeps the PID, and an ignored signal stays ignored across it.
                var command = psi.FileName;
                psi.FileName = "/bin/sh";
                psi.ArgumentList.Insert(0, "-c");
                psi.ArgumentList.Insert(1, "trap '' HUP; exec \"$0\" \"$@\"");
                psi.ArgumentList.Insert(2, command);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start gpuqos");
            var daemon = new DaemonProcess(process, port);
            process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
            process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await daemon.WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(60));
                return daemon;
            }
            catch (InvalidOperationException) when (attempt < 3 && process.HasExited && daemon.Output.Contains("address already in use", StringComparison.Ordinal))
            {
                // Another process took the port between FreePort and the daemon's bind: a new port, not a failure.
                await daemon.DisposeAsync();
            }
        }
    }

    /// <summary>Runs a gpuqos verb to completion (the published executable unless <paramref name="build"/> says otherwise) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, DaemonBuild build = DaemonBuild.Published)
    {
        var psi = await CommandAsync(args, environment, build);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start gpuqos");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gpuqos {string.Join(' ', args)} did not finish; output so far: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>GET <c>/metrics</c> as text.</summary>
    public Task<string> ScrapeAsync() => Http.GetStringAsync("/metrics");

    /// <summary>Sends SIGTERM and waits for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "TERM");
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(cts.Token);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    /// <summary>A TCP port that is free on loopback right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends a signal with kill(1).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static async Task<ProcessStartInfo> CommandAsync(IEnumerable<string> args, IDictionary<string, string>? environment, DaemonBuild build)
    {
        var psi = new ProcessStartInfo(build == DaemonBuild.Published ? await Operations.PublishedBinary.PathAsync() : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (build == DaemonBuild.Jit)
        {
            psi.ArgumentList.Add(DllPath);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        return psi;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"gpuqos exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"gpuqos was not ready within {timeout}:\n{Output}");
    }
}
