using System.Diagnostics;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Cli;

/// <summary>
/// <c>dotnet run --project src/Daemon -- ...</c> as a new user types it: relative paths on the command line resolve
/// against the caller's directory, not the project folder where <c>dotnet run</c> would otherwise start the program.
/// </summary>
public sealed class DotnetRunTests : IDisposable
{
    private readonly DirectoryInfo _caller = Directory.CreateTempSubdirectory("gpuqos-run-");

    [Fact]
    public async Task DotnetRun_ValidateRelativePath_ResolvesAgainstTheCallersDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_caller.FullName, "configs"));
        File.Copy(RepoPaths.Combine("scenarios", "demo-config.yaml"), Path.Combine(_caller.FullName, "configs", "mine.yaml"));

        var (code, output) = await DotnetRunAsync(["validate", "configs/mine.yaml"], _caller.FullName);

        Assert.True(code == 0, output);
        Assert.Contains("mine.yaml: valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetRun_Audit_FindsTheProbeWorkerInTheDaemonsBuildOutput()
    {
        // gpuqos-probe is a project of its own: the build copies it beside gpuqos.dll in src/Daemon's output.
        var (code, output) = await DotnetRunAsync(["audit", "--backend", "sim", "--accelerator", "cpu", "--probe", "capacity", "--out", "out"], _caller.FullName);

        Assert.True(code is 0 or 1, output);
        using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_caller.FullName, "out", "report.json")));
        var results = report.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.GetProperty("verdict").GetString() != "error", r.GetProperty("summary").GetString()));
    }

    [Fact]
    public async Task DotnetRun_RunWithScenarioRelativeToTheRepositoryRoot_ServesThatHost()
    {
        // The command of the issue, typed at the repository root.
        var port = DaemonProcess.FreePort();
        using var process = Process.Start(DotnetRun(
            ["run", "--backend", "sim", "--scenario", "scenarios/noisy-neighbour.yaml", "--listen", $"127.0.0.1:{port}"], RepoPaths.Root))!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (!await ReadyAsync(http))
            {
                Assert.False(process.HasExited, "gpuqos exited: " + Text(output));
                Assert.True(DateTime.UtcNow < deadline, "gpuqos did not become ready: " + Text(output));
                await Task.Delay(250);
            }

            // The noisy-neighbour host has one time-sliced A100; the demo host (what a missed path cannot be) has five GPUs.
            using var state = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/v1/state"));
            var gpus = state.RootElement.GetProperty("gpus");
            Assert.Equal(1, gpus.GetArrayLength());
            Assert.Contains("A100", gpus[0].GetProperty("name").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            // SIGTERM: dotnet run passes it on, and gpuqos undoes what it did before it exits.
            DaemonProcess.Signal(process.Id, "TERM");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose() => _caller.Delete(recursive: true);

    private static async Task<(int Code, string Output)> DotnetRunAsync(IEnumerable<string> args, string workingDirectory)
    {
        using var process = Process.Start(DotnetRun(args, workingDirectory))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static ProcessStartInfo DotnetRun(IEnumerable<string> args, string workingDirectory)
    {
        // The configuration the tests were built in (bin/<Configuration>/net10.0), so --no-build finds gpuqos built.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["run", "--no-build", "-c", configuration, "--project", RepoPaths.Combine("src", "Daemon"), "--", .. args])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        return psi;
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/readyz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
