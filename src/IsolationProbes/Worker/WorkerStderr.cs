namespace GpuQos.IsolationProbes.Worker;

/// <summary>What of a dead worker's stderr goes into the error a reader sees.</summary>
internal static class WorkerStderr
{
    /// <summary>Characters of the stderr's end that are kept.</summary>
    public const int TailLength = 600;

    // How the runtime starts the report of a death: an exception nobody caught, a fatal error of the runtime itself
    // (an allocation of its own failing under the capacity probe's address-space limit, say), or Environment.FailFast.
    private static readonly string[] Headers = ["Unhandled exception.", "Fatal error.", "Process terminated."];

    /// <summary>Characters of a death report's header (its lines before the first frame) that are kept.</summary>
    public const int HeaderLength = 400;

    /// <summary>
    /// The end of <paramref name="stderr"/>, and, where the runtime reported an unhandled exception or a fatal error,
    /// that report's header before it: an exception's stack alone is longer than the tail, and without the header the
    /// reader is left with frames and no exception type, message or cause. The header runs to the first stack frame,
    /// not to the end of its line: the runtime writes "Fatal error." on a line of its own when the error has a source,
    /// and the cause on the next.
    /// </summary>
    public static string Summarize(string stderr)
    {
        var text = stderr.Trim();
        if (text.Length <= TailLength)
        {
            return text;
        }

        var tail = text[^TailLength..];
        var start = Headers.Select(h => text.IndexOf(h, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (start < 0 || start >= text.Length - TailLength)
        {
            return "…" + tail;
        }

        var lines = text[start..].Split('\n').Select(l => l.Trim()).TakeWhile(l => !l.StartsWith("at ", StringComparison.Ordinal)).Where(l => l.Length > 0);
        var head = string.Join(' ', lines);
        if (head.Length > HeaderLength)
        {
            head = head[..HeaderLength] + "…";
        }

        return head + " … " + tail;
    }
}
