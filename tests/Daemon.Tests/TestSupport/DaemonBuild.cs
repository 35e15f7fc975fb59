namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>Which gpuqos a test starts.</summary>
public enum DaemonBuild
{
    /// <summary>
    /// The published Native AOT executable (<c>dotnet publish src/Daemon -c Release -r linux-x64</c>, once per
    /// change of the sources, <see cref="Operations.PublishedBinary"/>): what users install.
    /// </summary>
    Published,

    /// <summary>
    /// The built gpuqos.dll under the dotnet host and the JIT: the control case of the tests that tell the two apart.
    /// </summary>
    Jit,
}
