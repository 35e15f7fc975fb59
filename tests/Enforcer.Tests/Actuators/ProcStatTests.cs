using GpuQos.Enforcer.Actuators;

namespace GpuQos.Enforcer.Tests.Actuators;

public sealed class ProcStatTests
{
    [Fact]
    public void Parse_CommWithSpacesAndParentheses_ReadsFieldsAfterLastParenthesis()
    {
        var text = "4104 (torch (run) x) T 1 4104 4104 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 987654 1000 10 18446744073709551615";
        var stat = ProcStat.Parse(text);
        Assert.Equal(new ProcStat('T', 300, 987654) { ParentPid = 1, Flags = 4194560 }, stat);
        Assert.False(stat!.Value.IsKernelThread);
    }

    [Fact]
    public void Parse_KernelThreadFlag_IsKernelThread()
    {
        // kthreadd's children carry PF_KTHREAD (0x00200000) in field 9.
        var stat = ProcStat.Parse("57 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 12 0 0 20 0 1 0 40 0 0 18446744073709551615");
        Assert.True(stat!.Value.IsKernelThread);
        Assert.Equal(2, stat.Value.ParentPid);
    }

    [Fact]
    public void Parse_Truncated_Null() => Assert.Null(ProcStat.Parse("12 (sh) S 1 2"));

    [Fact]
    public void Read_ThisProcess_Running()
    {
        var stat = ProcStat.Read(Environment.ProcessId);
        Assert.NotNull(stat);
        Assert.True(stat.Value.StartTime > 0);
    }
}
