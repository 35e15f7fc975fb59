namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>What a command printed and how it ended.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => $"{Command} exited {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
