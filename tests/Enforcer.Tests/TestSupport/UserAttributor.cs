using GpuQos.Enforcer.Actuators;
using GpuQos.Model.Attribution;
using GpuQos.Model.Devices;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// Maps processes to tenants the way the demo configuration's selectors do (by user, and notebooks by process
/// name), so the enforcer can be tested on the simulated host without the attribution feature.
/// </summary>
internal sealed class UserAttributor(IReadOnlyDictionary<string, string> tenantByUser, bool notebooks = false) : IProcessAttributor
{
    public static UserAttributor Demo { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["search"] = "search",
        ["ads"] = "ads",
        ["research"] = "research",
        ["ml"] = "ml-platform",
        ["nlp"] = "ml-platform",
        ["recsys"] = "recsys",
    }, notebooks: true);

    public ProcessAttribution Attribute(GpuIdentity gpu, ProcessReading process, PartitionReading? partition)
    {
        var tenant = notebooks && process.Name == "jupyter-kernel" ? "notebooks" : tenantByUser.GetValueOrDefault(process.User ?? "", "");
        // As the attribution refresher does: the start time read from procfs with the facts is the identity acted on.
        return new ProcessAttribution("", "", "", tenant) { StartTime = ProcStat.Read(process.Pid)?.StartTime };
    }

    public string TenantOf(GpuIdentity gpu, PartitionReading partition) => "";
}
