namespace GpuQos.Backends.Nvml;

/// <summary>GPM state of one GPU instance: the previous sample and when it was taken, and the last metrics.</summary>
internal sealed class GpmState
{
    public nint Previous { get; set; }
    public nint Current { get; set; }
    public long PreviousTimestamp { get; set; }
    public double? SmUtilization { get; set; }
    public double? DramUtilization { get; set; }
}
