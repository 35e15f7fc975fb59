namespace GpuQos.Daemon.Reports;

/// <summary>Defaults of <see cref="PriceListOptions"/>.</summary>
public static class PriceListOptionsDefaults
{
    /// <summary>The currency when the file names none.</summary>
    public const string Currency = "USD";
}
