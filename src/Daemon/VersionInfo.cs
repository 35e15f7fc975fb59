using System.Reflection;

namespace GpuQos.Daemon;

/// <summary>The version the binary was built as (informational version, with the git commit where the build knew it).</summary>
public static class VersionInfo
{
    public static string Version { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
