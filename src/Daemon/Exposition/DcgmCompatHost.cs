namespace GpuQos.Daemon.Exposition;

/// <summary>The host name dcgm-exporter puts in its <c>Hostname</c> label.</summary>
/// <param name="Hostname">The value of the label.</param>
public sealed record DcgmCompatHost(string Hostname);
