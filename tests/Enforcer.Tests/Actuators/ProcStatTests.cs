using GpuQos.Enforcer.Actuators;

namespace GpuQos.Enforcer.Tests.Actuators;

public sealed class ProcStatTests
{
    [Fact]
    public void Parse_CommWithSpacesAndParentheses_ReadsFieldsAfterLastParenthesis()
    {
        var text = "4104 (torch (run) x) T 1 4104 4104 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 987654 1000 10 18446744073709551615";
        var stat = ProcStat.Parse(text);
        Assert.Equal(new ProcStat('T', 300, 987654), stat);
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
