namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>A theory that needs cargo and Debian's nvml-wrapper crate: skipped outside CI when missing, failed under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NvmlClientTheoryAttribute : TheoryAttribute
{
    public NvmlClientTheoryAttribute()
    {
        if (NvmlClientBuild.Missing is { } missing && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = missing + "; under CI=true this fails instead";
        }
    }
}
