using GpuQos.Model.Snapshots;
using GpuQos.Collectors.Attribution;

namespace GpuQos.Daemon.Hosting;

/// <summary>
/// Makes a tenant catalogue staged by a reload current after a snapshot is published and before the next cycle
/// collects, so no snapshot mixes two catalogues.
/// </summary>
internal sealed class TenantCatalogueConsumer(TenantCatalogSwitch tenants) : ISnapshotConsumer
{
    /// <inheritdoc />
    public string Name => "tenant-catalogue";

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot) => tenants.Commit();
}
