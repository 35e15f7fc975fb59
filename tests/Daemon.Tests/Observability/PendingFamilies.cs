namespace GpuQos.Daemon.Tests.Observability;

/// <summary>
/// Metric families that dashboards and alerts already use but that the demo daemon does not expose yet,
/// because the feature that fills them is still being built. This is the one place that lists them.
/// Panels and rules that name one of them may lack data in <see cref="PrometheusIntegrationTests"/>; every
/// other panel must have data. When a family lands, delete it here: the integration test then proves the
/// dashboards against it, and <see cref="PrometheusIntegrationTests.PendingFamilies_AreStillAbsent"/> fails
/// as soon as an entry is stale.
/// </summary>
internal static class PendingFamilies
{
    /// <summary>Family name to the feature that will fill it.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // In the catalogue already; the demo host has no tenants until attribution (issue: attribution) lands.
        ["gpuqos_tenant_sm_share_ratio"] = "attribution",
        ["gpuqos_tenant_memory_used_bytes"] = "attribution",
        ["gpuqos_tenant_processes"] = "attribution",

        // SLA evaluation and enforcement.
        ["gpuqos_sla_state"] = "enforcer",
        ["gpuqos_sla_objective_value"] = "enforcer",
        ["gpuqos_sla_objective_target"] = "enforcer",
        ["gpuqos_sla_breaches_total"] = "enforcer",
        ["gpuqos_sla_breach_seconds_total"] = "enforcer",
        ["gpuqos_enforcement_actions_total"] = "enforcer",

        // Isolation audit.
        ["gpuqos_audit_probe_passed"] = "audit",
        ["gpuqos_audit_slowdown_ratio"] = "audit",
        ["gpuqos_audit_covert_channel_bits_per_second"] = "audit",
        ["gpuqos_audit_last_run_timestamp_seconds"] = "audit",
        ["gpuqos_audit_duration_seconds"] = "audit",

        // Configuration reload.
        ["gpuqos_config_last_reload_success"] = "operations",
    };
}
