using GpuQos.Collectors.Attribution;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// Attributes simulated processes with the configuration's <c>user</c> and <c>process</c> selectors (exact
/// matches), first tenant wins, as the attribution feature will; enough for the demo host's tenants.
/// </summary>
internal sealed class ConfigTenantAttributor(IReadOnlyList<TenantOptions> tenants) : IProcessAttributor
{
    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition)
    {
        foreach (var t in tenants)
        {
            if (t.Match.Any(m => (m.User is not null || m.Process is not null)
                && (m.User is null || m.User == process.User)
                && (m.Process is null || m.Process == process.Name)))
            {
                return new ProcessAttribution("", "", "", t.Name);
            }
        }

        return ProcessAttribution.Unknown;
    }

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}
