namespace GpuQos.Collectors.Attribution;

/// <summary>How processes are attributed to containers, pods and tenants.</summary>
public sealed class AttributionOptions
{
}
