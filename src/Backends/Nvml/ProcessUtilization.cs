namespace GpuQos.Backends.Nvml;

/// <summary>The last utilization seen for a process or vGPU instance, as 0..1 ratios.</summary>
internal sealed record ProcessUtilization(double Sm, double Memory, double Encoder, double Decoder, ulong TimeStamp);
