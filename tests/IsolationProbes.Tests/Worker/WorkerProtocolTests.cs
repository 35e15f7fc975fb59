using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Tests.Worker;

public sealed class WorkerProtocolTests
{
    [Fact]
    public void TryRead_ValidMeasure_ReturnsRequest()
    {
        var r = WorkerProtocol.TryRead("""{"v":1,"id":7,"op":"measure","kernel":"fma","size":64,"iterations":10,"repetitions":3}""", out var error);

        Assert.Null(error);
        Assert.Equal(7, r!.Id);
        Assert.Equal("fma", r.Kernel);
    }

    [Theory]
    [InlineData("""{"v":2,"id":1,"op":"hello"}""", "v: protocol version 2")]
    [InlineData("""{"v":1,"id":1,"op":"dance"}""", "op: 'dance' is unknown")]
    [InlineData("""{"v":1,"id":1}""", "op: missing")]
    [InlineData("""{"v":1,"id":1,"op":"measure","kernel":"gemm","size":1,"repetitions":1}""", "kernel: 'gemm'")]
    [InlineData("""{"v":1,"id":1,"op":"measure","kernel":"fma","size":1,"repetitions":1}""", "iterations: must be greater than 0")]
    [InlineData("""{"v":1,"id":1,"op":"covert-send","bits":"10x","slotNanoseconds":1,"size":1,"iterations":1}""", "bits:")]
    [InlineData("""{"v":1,"id":1,"op":"hello","colour":"red"}""", "not valid JSON for protocol v1")]
    [InlineData("not json", "not valid JSON")]
    public void TryRead_BadRequest_ErrorNamesTheField(string line, string expected)
    {
        var r = WorkerProtocol.TryRead(line, out var error);

        Assert.Null(r);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_OverlongLine_RefusedUnread()
    {
        var r = WorkerProtocol.TryRead(new string(' ', WorkerProtocol.MaxLineLength + 1), out var error);

        Assert.Null(r);
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_BadLineThenHello_AnswersBothAndKeepsRunning()
    {
        using var device = GpuQos.IsolationProbes.Kernels.ProbeDevice.Open(GpuQos.IsolationProbes.Kernels.AcceleratorChoice.Cpu, 1);
        var output = new StringWriter();
        var worker = new ProbeWorker(device, new WorkerInfo("cpu", "test", [], 0, 1 << 20, null), output);
        await worker.RunAsync(new StringReader("{oops\n{\"v\":1,\"id\":2,\"op\":\"hello\"}\n"));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"ok\":false", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"id\":2,\"ok\":true", lines[1], StringComparison.Ordinal);
    }
}
