using System.Text.Json;
using GpuQos.Daemon.Http.Api;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Http.Api;

/// <summary>
/// Pins the JSON names of <c>/api/v1/state</c> and <c>/api/v1/actions</c>: scripts read them, so a renamed
/// property in a record (or in a model type it carries) must be a deliberate change to the checked-in list.
/// </summary>
public sealed class ApiWireFormatTests
{
    [Fact]
    public void StateDocument_Metadata_WritesExactlyTheCheckedInNames()
    {
        var actual = WireFormat.Of(ApiJsonContext.Api.StateDocument);
        WireFormat.UpdateIfAsked("state", actual);

        Assert.Equal(WireFormat.Expected("state"), actual);
    }

    [Fact]
    public void Actions_Metadata_WritesExactlyTheCheckedInNames()
    {
        var actual = WireFormat.Of(ApiJsonContext.Api.IReadOnlyListActionEntry);
        WireFormat.UpdateIfAsked("actions", actual);

        Assert.Equal(WireFormat.Expected("actions"), actual);
    }

    [Fact]
    public async Task State_SimulatedDaemon_ServesOnlyCheckedInNamesAndTheOnesStatusReads()
    {
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "sim"]);

        using var state = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state"));
        var served = WireFormat.Of(state.RootElement);

        var expected = WireFormat.Expected("state");
        var unknown = served.Where(p => !WireFormat.Matches(p, expected)).ToList();
        Assert.True(unknown.Count == 0, "served but not in state.wire.txt: " + string.Join(", ", unknown));

        // The demo host fills every section, so a section that went missing or was renamed shows here.
        foreach (var path in new[]
        {
            "$.timestamp", "$.sequence", "$.backend", "$.gpus[].uuid", "$.gpus[].device.powerWatts", "$.gpus[].device.memoryUsedBytes",
            "$.gpus[].partitions[].reading.id", "$.gpus[].partitions[].kind", "$.gpus[].processes[].reading.pid",
            "$.gpus[].processes[].attribution.tenant", "$.tenants[].smShare", "$.collectors[].durationSeconds",
            "$.sla[].policy", "$.sla[].state", "$.sla[].since", "$.sla[].objective", "$.config.lastReload.success",
            "$.attribution.kubeletUp", "$.audit.running",
        })
        {
            Assert.Contains(path, served);
        }
    }
}
