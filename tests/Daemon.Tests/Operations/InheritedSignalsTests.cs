using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>Reading which signals a process inherited as ignored, from <c>/proc/PID/status</c>.</summary>
public sealed class InheritedSignalsTests
{
    private const string Status = "Name:\tgpuqos\nSigQ:\t0/514337\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\tMASK\nSigCgt:\t0000000301024480\n";

    [Theory]
    [InlineData("0000000000001007", 1, true)]   // nohup: SIGHUP (bit 0), SIGINT, SIGQUIT, SIGPIPE
    [InlineData("0000000000001006", 1, false)]  // the same without SIGHUP
    [InlineData("0000000000001006", 2, true)]   // SIGINT is bit 1
    [InlineData("0000000000001006", 13, true)]  // SIGPIPE is bit 12
    [InlineData("0000000000001006", 14, false)]
    [InlineData("8000000000000000", 64, true)]  // the last signal
    [InlineData("8000000000000000", 1, false)]
    public void IsIgnored_ReadsTheSignalsBitOfSigIgn(string mask, int signal, bool ignored) =>
        Assert.Equal(ignored, InheritedSignals.IsIgnored(Status.Replace("MASK", mask, StringComparison.Ordinal), signal));

    [Fact]
    public void IsIgnored_NoSigIgnLine_Null() => Assert.Null(InheritedSignals.IsIgnored("Name:\tgpuqos\nSigCgt:\t0000000301024480\n", 1));

    [Fact]
    public void IsIgnored_MaskNotHex_Null() => Assert.Null(InheritedSignals.IsIgnored("SigIgn:\tnot-hex\n", 1));

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void IsIgnored_NoSuchSignal_Throws(int signal) => Assert.Throws<ArgumentOutOfRangeException>(() => InheritedSignals.IsIgnored(Status, signal));
}
