namespace GpuQos.Daemon.Cli;

/// <summary>Exit codes scripts rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Success (for <c>audit</c>: every probe passed).</summary>
    public const int Ok = 0;

    /// <summary>The input is invalid (<c>validate</c>), or isolation was violated (<c>audit</c>).</summary>
    public const int Failed = 1;

    /// <summary>The command could not do its work: bad arguments, unreadable files, no backend.</summary>
    public const int Error = 2;
}
