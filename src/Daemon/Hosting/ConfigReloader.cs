using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GpuQos.Daemon.Configuration;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Re-reads the configuration file on SIGHUP or when the file changes. A valid file becomes current through
/// <see cref="ReloadableOptions{T}"/>, so tenants and policies change without a restart; an invalid one is
/// rejected whole, every error is logged, and the previous configuration stays in force.
/// </summary>
public sealed partial class ConfigReloader(
    ReloadableOptions<GpuQosOptions> options,
    RunRequest request,
    BearerToken token,
    ReloadStatus status,
    IEnumerable<TrustedPath> trustedPaths,
    TimeProvider time,
    ILogger<ConfigReloader> logger) : IHostedService, IDisposable
{
    // Editors and ConfigMap updates write a file in several steps; wait for them to settle before reading.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);
    private readonly Lock _lock = new();
    private PosixSignalRegistration? _sighup;
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private string? _lastHash;

    /// <summary>The file reloads read; null when the daemon runs on built-in defaults.</summary>
    public string? File { get; } = System.IO.File.Exists(request.ConfigSource) ? Path.GetFullPath(request.ConfigSource) : null;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            // Inherited as ignored (nohup, a harness that ignores SIGHUP), the runtime would install no handler and
            // every SIGHUP would be dropped unseen.
            if (InheritedSignals.RestoreIfIgnored(InheritedSignals.SigHup))
            {
                LogSighupWasIgnored();
            }

            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Handled, with a file or without: the default action of SIGHUP would end the process, and
                // `systemctl reload` (ExecReload=kill -HUP) must never stop the daemon.
                context.Cancel = true;
                if (File is null)
                {
                    LogNoFile(request.ConfigSource);
                }
                else
                {
                    Reload("SIGHUP", force: true);
                }
            });
        }

        if (File is null)
        {
            LogNoFile(request.ConfigSource);
            return Task.CompletedTask;
        }

        _lastHash = Hash(File);

        // Watch the directory, not the file: a ConfigMap update swaps a symlink and editors replace the file.
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(File)!) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName };
        _watcher.Changed += (_, _) => ScheduleReload();
        _watcher.Created += (_, _) => ScheduleReload();
        _watcher.Renamed += (_, _) => ScheduleReload();
        _watcher.EnableRaisingEvents = true;
        LogWatching(File);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Reads the file now and applies it when valid; returns whether it was applied.</summary>
    /// <param name="trigger">What asked for the reload, for the log.</param>
    /// <param name="force">Reload even when the content did not change (SIGHUP re-reads the token file too).</param>
    public bool Reload(string trigger, bool force)
    {
        if (File is null)
        {
            return false;
        }

        lock (_lock)
        {
            var hash = Hash(File);
            if (!force && hash == _lastHash)
            {
                return false;
            }

            _lastHash = hash;
            var errors = new List<string>();
            GpuQosOptions? next = null;
            try
            {
                foreach (var path in trustedPaths.Prepend(new TrustedPath(File, "configuration file")))
                {
                    if (FileModes.CheckNotWorldWritable(path.Path, path.Role) is { } problem)
                    {
                        errors.Add(problem);
                    }
                }

                if (errors.Count == 0)
                {
                    next = ConfigLoader.LoadFile(File);
                    token.Load(next.Web.TokenFile);
                }
            }
            catch (ConfigException ex)
            {
                errors.AddRange(ex.Errors.Select(e => e.ToString()));
            }
            catch (StartupRefusedException ex)
            {
                errors.Add(ex.Message);
            }

            if (errors.Count > 0 || next is null)
            {
                foreach (var error in errors)
                {
                    LogReloadError(File, error);
                }

                LogReloadRejected(File, trigger, errors.Count);
                status.Record(false, errors);
                return false;
            }

            foreach (var setting in RestartOnly(options.CurrentValue, next))
            {
                LogNeedsRestart(setting);
            }

            foreach (var failure in options.Apply(next))
            {
                LogListenerFailed(failure);
            }

            status.Record(true, []);
            LogReloaded(File, trigger, next.Tenants.Count, next.Policies.Count);
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sighup?.Dispose();
        _sighup = null;
        _watcher?.Dispose();
        _watcher = null;
        _debounce?.Dispose();
        _debounce = null;
    }

    // Settings that are read once at start: the listener, the backend, TLS, HTTP limits, how attribution reads
    // the host, the enforcer's journal and actuators, audits and telemetry. They change on the next restart.
    // What a reload does change: settings.interval, web.tokenFile, tenants, policies and the rest of enforcement.
    internal static IEnumerable<string> RestartOnly(GpuQosOptions old, GpuQosOptions next)
    {
        if (old.Settings.Listen != next.Settings.Listen) { yield return "settings.listen"; }
        if (old.Settings.Backend != next.Settings.Backend) { yield return "settings.backend"; }
        if (old.Settings.Scenario != next.Settings.Scenario) { yield return "settings.scenario"; }
        if (old.Settings.History != next.Settings.History) { yield return "settings.history"; }
        if (old.Web.Tls?.CertFile != next.Web.Tls?.CertFile || old.Web.Tls?.KeyFile != next.Web.Tls?.KeyFile) { yield return "web.tls"; }
        if (!old.Web.BasicAuthUsers.OrderBy(u => u.Key, StringComparer.Ordinal).SequenceEqual(next.Web.BasicAuthUsers.OrderBy(u => u.Key, StringComparer.Ordinal))) { yield return "web.basicAuthUsers"; }
        if (Differs(old.Web.Limits, next.Web.Limits)) { yield return "web.limits"; }
        if (old.Web.ReadAuth != next.Web.ReadAuth) { yield return "web.readAuth"; }
        if (old.Web.HealthListen != next.Web.HealthListen) { yield return "web.healthListen"; }
        if (Differs(old.Attribution, next.Attribution)) { yield return "attribution"; }
        if (old.Enforcement.Journal != next.Enforcement.Journal) { yield return "enforcement.journal"; }
        if (old.Enforcement.ThrottlePeriod != next.Enforcement.ThrottlePeriod) { yield return "enforcement.throttlePeriod"; }
        if (old.Enforcement.CgroupRoot != next.Enforcement.CgroupRoot) { yield return "enforcement.cgroupRoot"; }
        if (old.Enforcement.ActOnMpsServer != next.Enforcement.ActOnMpsServer) { yield return "enforcement.actOnMpsServer"; }
        if (Differs(old.Enforcement.WorkloadMetrics, next.Enforcement.WorkloadMetrics)) { yield return "enforcement.workloadMetrics"; }
        if (Differs(old.Audit, next.Audit)) { yield return "audit"; }
        if (Differs(old.Observability, next.Observability)) { yield return "observability"; }
    }

    private static bool Differs<TSection>(TSection old, TSection next) => !SettingsEquality.Same(old, next);

    private static string? Hash(string path)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void ScheduleReload()
    {
        lock (_lock)
        {
            _debounce ??= time.CreateTimer(_ => Reload("file change", force: false), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounce.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Configuration {File} is watched; SIGHUP or a change to it reloads it")]
    private partial void LogWatching(string file);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Information, Message = "SIGHUP was ignored when gpuqos started (nohup, or a supervisor that ignores it); its default is restored so that SIGHUP reloads the configuration")]
    private partial void LogSighupWasIgnored();

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "No configuration file ({Source}); nothing to reload")]
    private partial void LogNoFile(string source);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Configuration {File} reloaded on {Trigger}: {Tenants} tenant(s), {Policies} policy(ies)")]
    private partial void LogReloaded(string file, string trigger, int tenants, int policies);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Error, Message = "Configuration {File}: {Error}")]
    private partial void LogReloadError(string file, string error);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error, Message = "Configuration {File} rejected on {Trigger} with {Count} error(s); the previous configuration stays in force")]
    private partial void LogReloadRejected(string file, string trigger, int count);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "{Setting} changed; it takes effect at the next restart")]
    private partial void LogNeedsRestart(string setting);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Error, Message = "A feature failed to apply the reloaded configuration")]
    private partial void LogListenerFailed(Exception exception);
}
