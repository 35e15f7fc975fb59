namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>A fact that needs a real, writable cgroup v2 hierarchy; skipped, saying why, where there is none.</summary>
public sealed class CgroupFactAttribute : FactAttribute
{
    public CgroupFactAttribute()
    {
        if (TestCgroup.Unavailable is { } why)
        {
            Skip = "needs a writable cgroup v2 hierarchy: " + why;
        }
    }
}
