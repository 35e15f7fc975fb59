using GpuQos.Collectors.Attribution.Kubelet;

namespace GpuQos.Collectors.Attribution;

/// <summary>Defaults of <see cref="AttributionOptions"/>.</summary>
public static class AttributionDefaults
{
    public const string ProcfsRoot = "/proc";
    public const string PasswdFile = "/etc/passwd";
    public const string PodResourcesSocket = PodResourcesClient.DefaultSocket;
    public const string PodLogsDirectory = "/var/log/pods";
    public const int MaxProcessSeriesPerGpu = 64;
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan PodResourcesTimeout = TimeSpan.FromSeconds(2);
}
