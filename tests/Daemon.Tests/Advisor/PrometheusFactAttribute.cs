namespace GpuQos.Daemon.Tests.Advisor;

/// <summary>
/// A fact that needs the Prometheus binary. Locally a missing binary is a clear skip; under CI=true it is not
/// skipped, so the test fails and says to run scripts/setup.sh.
/// </summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (PrometheusServer.Find() is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"{PrometheusServer.Binary} is not installed (apt-get install prometheus, or scripts/setup.sh); under CI=true this fails instead";
        }
    }
}
