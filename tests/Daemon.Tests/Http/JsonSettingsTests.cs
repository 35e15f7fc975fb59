using System.Text.Json;
using System.Text.Json.Nodes;
using GpuQos.Model.Json;
using GpuQos.Model.Devices;
using GpuQos.IsolationProbes.Reports;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Daemon.Tests.Http;

/// <summary>
/// The API, the advice, the audit report and the probe-worker protocol write JSON from one definition
/// (<see cref="GpuQosJson"/>): the same names, the same enum spelling, NaN as a literal rather than an exception.
/// </summary>
public sealed class JsonSettingsTests
{
    private sealed record Sample(SharingMode Mode, double Ratio, string? Missing);

    // The API and the advice write with the documents settings themselves; the worker protocol derives its own.
    public static TheoryData<string> Writers => ["documents", "worker", "lines"];

    [Theory]
    [MemberData(nameof(Writers))]
    public void Serialize_EveryWriter_SpellsNamesEnumsAndNaNTheSameWay(string writer)
    {
        var options = writer switch
        {
            "documents" => GpuQosJson.Documents,
            "worker" => WorkerProtocol.Json,
            _ => GpuQosJson.Lines,
        };

        var json = JsonSerializer.Serialize(new Sample(SharingMode.TimeSliced, double.NaN, null), options);

        Assert.Equal("""{"mode":"time-sliced","ratio":"NaN"}""", JsonNode.Parse(json)!.ToJsonString());
    }

    [Fact]
    public void Serialize_Report_WritesNullsButOtherwiseTheSame()
    {
        var json = JsonSerializer.Serialize(new Sample(SharingMode.TimeSliced, double.NaN, null), ReportJson.Options);

        Assert.Equal("""{"mode":"time-sliced","ratio":"NaN","missing":null}""", JsonNode.Parse(json)!.ToJsonString());
    }

    [Fact]
    public void Lines_AreOneLineAndDocumentsIndented()
    {
        var value = new Sample(SharingMode.Mig, 0.5, "x");

        Assert.DoesNotContain('\n', JsonSerializer.Serialize(value, GpuQosJson.Lines));
        Assert.DoesNotContain('\n', JsonSerializer.Serialize(value, WorkerProtocol.Json));
        Assert.Contains('\n', JsonSerializer.Serialize(value, GpuQosJson.Documents));
    }

    [Fact]
    public void SharedSettings_AreReadOnly()
    {
        Assert.True(GpuQosJson.Documents.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => GpuQosJson.Lines.WriteIndented = true);
    }
}
