using System.Diagnostics.CodeAnalysis;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Http;
using GpuQos.Daemon.Http.Api;
using GpuQos.Enforcer;
using GpuQos.Enforcer.Actions;
using GpuQos.Enforcer.Engine;
using GpuQos.Model.Backends;
using GpuQos.Model.Metrics;
using GpuQos.Model.Procfs;
using Microsoft.Extensions.Options;

namespace GpuQos.Daemon.Hosting;

/// <summary>Wires SLA evaluation and enforcement into the daemon.</summary>
internal static class EnforcementRegistration
{
    /// <summary>Registers the services.</summary>
    public static void AddEnforcement(this IServiceCollection services, RunRequest request)
    {
        // One line per action type, as dotnet-monitor registers its collection rule actions.
        services.AddActionFactory<ThrottleActionFactory>();
        services.AddActionFactory<FreezeActionFactory>();
        services.AddActionFactory<LockClocksActionFactory>();
        services.AddActionFactory<PowerLimitActionFactory>();
        services.AddActionFactory<PriorityActionFactory>();
        services.AddActionFactory<MpsThreadsActionFactory>();
        services.AddActionFactory<MpsMemoryLimitActionFactory>();
        services.AddActionFactory<EvictActionFactory>();
        services.AddActionFactory<ComputeModeActionFactory>();
        services.AddActionFactory<VgpuSchedulerActionFactory>();

        // NVML reports the host's PIDs: process actions are refused when this daemon is not in that namespace.
        services.AddSingleton(new PidNamespaceCheck(request.ProcfsRoot ?? request.Options.Attribution.ProcfsRoot));
        services.AddSingleton(sp => EnforcementBackend.Actuators(sp.GetRequiredService<IGpuBackend>(), request.Options.Enforcement, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => EnforcementBackend.Journal(sp.GetRequiredService<IGpuBackend>(), request.Options.Enforcement));
        services.AddSingleton(sp =>
        {
            var enforcer = new SlaEnforcer(
                request.Options.Enforcement,
                request.Options.Policies,
                sp.GetServices<IActionFactory>(),
                sp.GetRequiredService<IGpuBackend>(),
                sp.GetRequiredService<EnforcementActuators>(),
                sp.GetRequiredService<EnforcementJournal>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SlaEnforcer>>(),
                pidNamespace: sp.GetRequiredService<PidNamespaceCheck>(),
                workload: sp.GetRequiredService<Enforcer.Workload.WorkloadReadings>());

            // A valid reload recompiles the policies under the enforcer's lock, between two evaluations.
            sp.GetRequiredService<IOptionsMonitor<GpuQosOptions>>().OnChange((next, _) => enforcer.Reconfigure(next.Enforcement, next.Policies));
            return enforcer;
        });
        services.AddSingleton<IEnforcementControl>(sp => sp.GetRequiredService<SlaEnforcer>());
        services.AddSingleton<IMetricSource, EnforcementMetrics>();
        services.AddSingleton<EnforcementHandOff>();
        services.AddSingleton<IMetricSource>(sp => sp.GetRequiredService<EnforcementHandOff>());
        services.AddSingleton<IStateSection, SlaStateSection>();
        services.AddHostedService<EnforcementService>();
    }

    /// <summary>Maps <c>/api/v1/actions</c>: recent enforcement actions, newest first.</summary>
    public static void MapEnforcement(this WebApplication app)
    {
        app.MapGet("/api/v1/actions", (SlaEnforcer enforcer, int? limit) =>
            Results.Json<IReadOnlyList<ActionEntry>>(
                [.. enforcer.RecentActions().Take(Math.Clamp(limit ?? 100, 1, 10_000)).Select(Entry)],
                ApiJsonContext.Api.IReadOnlyListActionEntry))
            .Produces<IReadOnlyList<ActionEntry>>(contentType: "application/json");
    }

    // The enforcer's record stays its own; the API record is mapped here, at the edge.
    private static ActionEntry Entry(ActionRecord a) => new(a.Time, a.Id, a.Policy, a.Tenant, a.Gpu, a.Uuid, a.Action, a.Result, a.Detail);

    private static void AddActionFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services)
        where T : class, IActionFactory => services.AddSingleton<IActionFactory, T>();
}
