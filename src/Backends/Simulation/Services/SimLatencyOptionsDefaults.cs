namespace GpuQos.Backends.Simulation.Services;

/// <summary>Defaults of <see cref="SimLatencyOptions"/>.</summary>
public static class SimLatencyOptionsDefaults
{
    /// <summary>Requests a second.</summary>
    public const double Rate = 30;

    /// <summary>Relative variation of the arrivals per second.</summary>
    public const double Noise = 0.1;

    /// <summary>Any free loopback port.</summary>
    public const int Port = 0;

    /// <summary>The histogram's name, prometheus-net's and ASP.NET's convention.</summary>
    public const string Metric = "http_request_duration_seconds";

    /// <summary>GPU time of one request with the whole device.</summary>
    public static readonly TimeSpan ServiceTime = TimeSpan.FromMilliseconds(5);
}
