using GpuQos.Advisor.Exposition;
using GpuQos.Advisor.History;
using GpuQos.Daemon.Hosting;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Enforcer.Engine;
using GpuQos.Model.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace GpuQos.Daemon.Tests.Advisor;

/// <summary>
/// The daemon's history on the demo host with its demo configuration: the snapshot store holds what the
/// policies' longest window reads, and the live advice reads its per-minute summaries over the whole run.
/// </summary>
public sealed class HistorySizeTests
{
    [Fact]
    public async Task DemoHost_FourMinutes_StoreHoldsThePolicyWindowAndTheAdviceCoversTheRun()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var app = DemoHost.Build(time);
        var collection = app.Services.GetRequiredService<CollectionService>();
        var store = app.Services.GetRequiredService<SnapshotStore>();
        var enforcer = app.Services.GetRequiredService<SlaEnforcer>();
        var history = app.Services.GetRequiredService<DemandHistory>();
        const int Cycles = 240;
        for (var second = 0; second < Cycles; second++)
        {
            collection.RunCycle();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // settings.history (10 minutes) would allow all 240; the demo policies' longest window reads far fewer.
        var window = enforcer.HistoryWindow;
        Assert.InRange(window, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal((int)window.TotalSeconds, store.Count);
        Assert.Equal(window, store.Retention);

        // The advice still reads the whole run, from four or five minutes of summaries.
        Assert.InRange(history.Minutes, 4, 5);
        var evidence = app.Services.GetRequiredService<LiveAdvice>().Evidence();
        Assert.Equal(TimeSpan.FromSeconds(Cycles - 1), evidence.Window);
        var tenant = evidence.Gpus.SelectMany(g => g.Tenants).First(t => t.Demand is not null);
        Assert.Equal(Cycles, tenant.Demand!.Samples);
        Assert.NotNull(app.Services.GetRequiredService<LiveAdvice>().Current());
    }
}
