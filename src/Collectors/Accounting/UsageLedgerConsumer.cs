using GpuQos.Model.Snapshots;

namespace GpuQos.Collectors.Accounting;

/// <summary>
/// Integrates every published snapshot into the usage ledger. The ledger must see every cycle, whether or not
/// anyone scrapes: the exposition writes its counters only when a scrape asks, so the integration cannot live there.
/// </summary>
public sealed class UsageLedgerConsumer(UsageLedger ledger) : ISnapshotConsumer
{
    /// <inheritdoc />
    public string Name => "usage-ledger";

    /// <inheritdoc />
    public void Consume(HostSnapshot snapshot) => ledger.Integrate(snapshot);
}
