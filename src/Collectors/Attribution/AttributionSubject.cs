namespace GpuQos.Collectors.Attribution;

/// <summary>
/// What tenant selectors match against. For a process every field that is known is set, including the
/// MIG UUID and VM of the partition it runs in; for a partition only <see cref="MigUuid"/> and <see cref="Vm"/>.
/// </summary>
public sealed record AttributionSubject
{
    public string Namespace { get; init; } = "";
    public string Pod { get; init; } = "";
    public string Container { get; init; } = "";
    public string Cgroup { get; init; } = "";
    public string MigUuid { get; init; } = "";
    public string Vm { get; init; } = "";
    public string User { get; init; } = "";
    public string Process { get; init; } = "";
}
