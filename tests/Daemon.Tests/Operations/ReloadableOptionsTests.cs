using GpuQos.Daemon.Hosting;

namespace GpuQos.Daemon.Tests.Operations;

public sealed class ReloadableOptionsTests
{
    [Fact]
    public void Apply_NewValue_IsCurrentAndEveryListenerHearsIt()
    {
        var options = new ReloadableOptions<string>("old");
        var heard = new List<string>();
        using var first = options.OnChange((v, _) => heard.Add("1:" + v));
        options.OnChange((_, _) => throw new InvalidOperationException("a broken feature"));
        using var third = options.OnChange((v, _) => heard.Add("3:" + v));

        var failures = options.Apply("new");

        Assert.Equal("new", options.CurrentValue);
        Assert.Equal(["1:new", "3:new"], heard);
        Assert.IsType<InvalidOperationException>(Assert.Single(failures));
    }

    [Fact]
    public void OnChange_Disposed_StopsHearing()
    {
        var options = new ReloadableOptions<string>("old");
        var heard = 0;
        var subscription = options.OnChange((_, _) => heard++);

        subscription!.Dispose();
        options.Apply("new");

        Assert.Equal(0, heard);
    }
}
