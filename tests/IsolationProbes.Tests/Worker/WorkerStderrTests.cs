using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Tests.Worker;

public sealed class WorkerStderrTests
{
    [Fact]
    public void Summarize_UnhandledExceptionWithALongStack_KeepsItsFirstLineAndTheTail()
    {
        var frames = string.Concat(Enumerable.Range(0, 40).Select(i => $"   at Frame{i}.MoveNext()\n"));
        var stderr = "Unhandled exception. System.OutOfMemoryException: Insufficient memory to continue the execution of the program.\n" + frames + "   at Program.<Main>(System.String[])\n";

        var summary = WorkerStderr.Summarize(stderr);

        Assert.StartsWith("Unhandled exception. System.OutOfMemoryException: Insufficient memory", summary, StringComparison.Ordinal);
        Assert.EndsWith("at Program.<Main>(System.String[])", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Frame0.", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Fatal error. Failed to create RW mapping for RX memory.")]
    [InlineData("Process terminated. Out of memory in the probe worker.")]
    public void Summarize_RuntimeFatalErrorWithALongStack_KeepsItsFirstLineAndTheTail(string header)
    {
        var frames = string.Concat(Enumerable.Range(0, 40).Select(i => $"   at Frame{i}.MoveNext()\n"));
        var stderr = header + "\n" + frames + "   at Program.<Main>(System.String[])\n";

        var summary = WorkerStderr.Summarize(stderr);

        Assert.StartsWith(header + " … ", summary, StringComparison.Ordinal);
        Assert.EndsWith("at Program.<Main>(System.String[])", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_FatalErrorWhoseCauseIsOnTheNextLine_KeepsTheCause()
    {
        // How the runtime reports a fatal error with a source: the header alone on its line, the cause below it.
        var frames = string.Concat(Enumerable.Range(0, 40).Select(i => $"   at Frame{i}.MoveNext()\n"));
        var stderr = "Fatal error.\nFailed to create RW mapping for RX memory.\r\nThis can be caused by insufficient memory.\n" + frames;

        var summary = WorkerStderr.Summarize(stderr);

        Assert.StartsWith("Fatal error. Failed to create RW mapping for RX memory. This can be caused by insufficient memory. … ", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Frame0.", summary, StringComparison.Ordinal);
        Assert.EndsWith("at Frame39.MoveNext()", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_HeaderWithoutFrames_IsCappedSoTheTailStaysReadable()
    {
        var stderr = "Unhandled exception. " + new string('y', 3000);

        var summary = WorkerStderr.Summarize(stderr);

        Assert.StartsWith("Unhandled exception. yyy", summary, StringComparison.Ordinal);
        Assert.Equal(WorkerStderr.HeaderLength + 1 + " … ".Length + WorkerStderr.TailLength, summary.Length);
    }

    [Fact]
    public void Summarize_ShortStderr_IsKeptWhole()
    {
        Assert.Equal("gpuqos-probe: cannot bind to core 7", WorkerStderr.Summarize("gpuqos-probe: cannot bind to core 7\n"));
    }

    [Fact]
    public void Summarize_LongStderrWithoutAnException_IsItsTail()
    {
        var stderr = new string('x', 2000) + "last words";

        var summary = WorkerStderr.Summarize(stderr);

        Assert.Equal("…" + stderr[^WorkerStderr.TailLength..], summary);
    }
}
