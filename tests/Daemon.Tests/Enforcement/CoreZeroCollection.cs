namespace GpuQos.Daemon.Tests.Enforcement;

/// <summary>
/// The end-to-end tests whose "GPU" is CPU 0: each pins CPU burners to it and reads their shares from /proc
/// through the NVML stand-in, so two running at once would each see the other's burners and miss their
/// targets. Tests in this collection run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CoreZeroCollection
{
    public const string Name = "CPU 0 stands in for the GPU";
}
