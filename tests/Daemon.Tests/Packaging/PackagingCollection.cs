namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>The packaging tests run one class at a time: each builds or unpacks a Debian root or an image.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection
{
    public const string Name = "Packaging";
}
