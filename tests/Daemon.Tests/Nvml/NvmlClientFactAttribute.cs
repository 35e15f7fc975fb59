namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>A fact that needs cargo and Debian's nvml-wrapper crate: skipped outside CI when missing, failed under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NvmlClientFactAttribute : FactAttribute
{
    public NvmlClientFactAttribute()
    {
        if (NvmlClientBuild.Missing is { } missing && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = missing + "; under CI=true this fails instead";
        }
    }
}
