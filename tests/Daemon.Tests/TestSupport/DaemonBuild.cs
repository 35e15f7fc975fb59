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
    /// The built gpuqos.dll under the dotnet host and the JIT. Only for daemons that launch ILGPU probe workers,
    /// which cannot run ahead-of-time compiled. TEMPORARY: gone when gpuqos-probe lands.
    /// </summary>
    Jit,
}
