namespace GpuQos.Daemon.Cli;

/// <summary>An output directory or file name that reports must not be written to; the message says why.</summary>
public sealed class UnsafeOutputException(string message) : IOException(message);
