using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>Reload of a running daemon's configuration on SIGHUP and on a change to the file.</summary>
public sealed class ConfigReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Sighup_ValidThenInvalidFile_AppliesTheValidAndKeepsItWhenTheNextIsInvalid()
    {
        var config = _dir.Write("gpuqos.yaml", Config("search"));
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        Assert.Equal(["search"], await TenantsAsync(daemon));

        await File.WriteAllTextAsync(config, Config("search", "ads"));
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(async () => (await TenantsAsync(daemon)).SequenceEqual(["search", "ads"]), daemon);

        // Two errors: a tenant defined twice, and a typo'd key. Both must be reported; nothing of the file applies.
        await File.WriteAllTextAsync(config, Config("search", "ads", "ads").Replace("interval: 1s", "intervall: 1s", StringComparison.Ordinal));
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(async () => (await daemon.ScrapeAsync()).Contains("gpuqos_config_last_reload_success 0", StringComparison.Ordinal), daemon);

        Assert.Equal(["search", "ads"], await TenantsAsync(daemon));
        var reload = (await StateAsync(daemon)).GetProperty("config").GetProperty("lastReload");
        Assert.False(reload.GetProperty("success").GetBoolean());
        var errors = reload.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Contains(errors, e => e.Contains("tenants[2].name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("intervall", StringComparison.Ordinal));
        Assert.Contains("tenants[2].name", daemon.Output, StringComparison.Ordinal);
        Assert.Contains("intervall", daemon.Output, StringComparison.Ordinal);
        Assert.Contains("previous configuration stays in force", daemon.Output, StringComparison.Ordinal);
        Assert.Matches(@"gpuqos_config_last_reload_timestamp_seconds \d{10}", await daemon.ScrapeAsync());
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Sighup_InheritedIgnored_StillReloadsTheUnchangedFile()
    {
        // Started as under nohup (or a CI harness that ignores SIGHUP for its children): the runtime installs no
        // handler for an ignored signal, and before the fix every SIGHUP was dropped unseen. The file is not
        // changed, so only the signal can cause the reload (the watcher has nothing to see).
        var config = _dir.Write("gpuqos.yaml", Config("search"));
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config], sighupIgnored: true);
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(() => Task.FromResult(daemon.Output.Contains("reloaded on SIGHUP", StringComparison.Ordinal)), daemon);

        // It had been ignored (the shell's trap took), and it is no longer.
        Assert.Contains("SIGHUP was ignored when gpuqos started", daemon.Output, StringComparison.Ordinal);
        Assert.False(InheritedSignals.IsIgnored(await File.ReadAllTextAsync($"/proc/{daemon.ProcessId}/status"), InheritedSignals.SigHup));
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Sighup_NoConfigurationFile_DaemonKeepsRunning()
    {
        // On built-in defaults there is nothing to reload, but SIGHUP (systemctl reload) must not end the daemon:
        // its default action would.
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);
        DaemonProcess.Signal(daemon.ProcessId, "HUP");
        await EventuallyAsync(() => Task.FromResult(Count(daemon.Output, "nothing to reload") >= 2), daemon);
        Assert.Contains("gpuqos_build_info", await daemon.ScrapeAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await daemon.StopAsync());
    }

    private static int Count(string text, string what) => System.Text.RegularExpressions.Regex.Count(text, System.Text.RegularExpressions.Regex.Escape(what));

    [Fact]
    public async Task FileChange_ValidFile_AppliedWithoutSignal()
    {
        var config = _dir.Write("gpuqos.yaml", Config("search"));
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim", "--config", config]);
        Assert.Contains("gpuqos_config_last_reload_success 1", await daemon.ScrapeAsync(), StringComparison.Ordinal);

        // As an editor saves: write a new file beside it, then rename it over the old one.
        var next = Path.Combine(_dir.Path, ".gpuqos.yaml.tmp");
        await File.WriteAllTextAsync(next, Config("vdi", "cad").Replace("interval: 1s", "interval: 2s", StringComparison.Ordinal));
        File.Move(next, config, overwrite: true);

        await EventuallyAsync(async () => (await TenantsAsync(daemon)).SequenceEqual(["vdi", "cad"]), daemon);
        Assert.Equal(2.0, (await StateAsync(daemon)).GetProperty("config").GetProperty("interval").GetDouble());
    }

    [Fact]
    public async Task Run_WorldWritableConfiguration_RefusesToStart()
    {
        var config = _dir.Write("gpuqos.yaml", Config("search"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["run", "--backend", "sim", "--config", config, "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("world-writable", stderr, StringComparison.Ordinal);
        Assert.Contains(config, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TokenFileWithLooseMode_RefusesToStartNamingIt()
    {
        var token = _dir.Write("token", "0123456789abcdef0123456789abcdef", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var config = _dir.Write("gpuqos.yaml", Config("search") + $"web:\n  tokenFile: {token}\n");

        var (code, _, stderr) = await DaemonProcess.RunToEndAsync(
            ["run", "--backend", "sim", "--config", config, "--listen", $"127.0.0.1:{DaemonProcess.FreePort()}"], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains($"{token} has mode 0644", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static string Config(params string[] tenants) =>
        "settings:\n  interval: 1s\ntenants:\n" + string.Concat(tenants.Select(t => $"  - name: {t}\n    match:\n      - user: {t}\n"));

    private static async Task<JsonElement> StateAsync(DaemonProcess daemon) => await daemon.Http.GetFromJsonAsync<JsonElement>("/api/v1/state");

    private static async Task<string[]> TenantsAsync(DaemonProcess daemon) =>
        (await StateAsync(daemon)).GetProperty("config").GetProperty("tenants").EnumerateArray().Select(t => t.GetString()!).ToArray();

    private static async Task EventuallyAsync(Func<Task<bool>> condition, DaemonProcess daemon)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the reload did not take effect:\n" + daemon.Output);
            await Task.Delay(100);
        }
    }
}
