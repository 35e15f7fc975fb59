using System.Text.Json;
using System.Text.Json.Nodes;
using GpuQos.Model.Json;
using GpuQos.Model.Devices;
using GpuQos.IsolationProbes.Audit;
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

    // The API and the advice write with the documents settings themselves; the worker protocol has its own
    // source-generated context on the line settings (below), which knows the protocol's types only.
    public static TheoryData<string> Writers => ["documents", "lines"];

    [Theory]
    [MemberData(nameof(Writers))]
    public void Serialize_EveryWriter_SpellsNamesEnumsAndNaNTheSameWay(string writer)
    {
        var options = writer switch
        {
            "documents" => GpuQosJson.Documents,
            _ => GpuQosJson.Lines,
        };

        var json = JsonSerializer.Serialize(new Sample(SharingMode.TimeSliced, double.NaN, null), options);

        Assert.Equal("""{"mode":"time-sliced","ratio":"NaN"}""", JsonNode.Parse(json)!.ToJsonString());
    }

    [Fact]
    public void Serialize_Report_WritesNullsButOtherwiseTheSame()
    {
        var report = new AuditReport
        {
            StartedAt = DateTimeOffset.UnixEpoch,
            DurationSeconds = double.NaN,
            Host = "h",
            Backend = "sim",
            Accelerator = "cpu",
            Warmup = 1,
            Repetitions = 2,
            Partitions = [],
            Results = [new ProbeResult { Probe = "compute", Gpu = "0", Victim = "a", Mode = "time-sliced", Verdict = ProbeVerdicts.Passed, Summary = "s" }],
        };

        var root = JsonNode.Parse(ReportJson.Serialize(report))!.AsObject();

        Assert.Equal("NaN", root["durationSeconds"]!.GetValue<string>());
        var result = root["results"]![0]!.AsObject();
        Assert.True(result.ContainsKey("slowdown"));
        Assert.Null(result["slowdown"]);
        Assert.Equal("compute", result["probe"]!.GetValue<string>());
    }

    [Fact]
    public void Report_IsSourceGenerated_ItKnowsNoTypeButTheReports()
    {
        // gpuqos writes report.json ahead-of-time compiled: a reflection fallback would work only under the JIT.
        Assert.ThrowsAny<Exception>(() => JsonSerializer.Serialize(new Sample(SharingMode.Mig, 0.5, "x"), ReportJson.Options));
    }

    [Fact]
    public void WorkerProtocol_WritesOneLineWithTheSameNamesAndNaN()
    {
        var line = WorkerProtocol.Write(new WorkerResponse { Id = 3, Ok = true, TimingsSeconds = [double.NaN, 0.5] });

        Assert.DoesNotContain('\n', line);
        Assert.Equal("""{"v":1,"id":3,"ok":true,"timingsSeconds":["NaN",0.5],"value":0}""", JsonNode.Parse(line)!.ToJsonString());
    }

    [Fact]
    public void WorkerProtocol_IsSourceGenerated_ItKnowsNoTypeButTheProtocols()
    {
        // gpuqos reads the protocol ahead-of-time compiled: a reflection fallback here would work under the JIT
        // and fail only in the published daemon.
        var ex = Assert.ThrowsAny<Exception>(() => JsonSerializer.Serialize(new Sample(SharingMode.Mig, 0.5, "x"), WorkerProtocol.Json));

        Assert.True(ex is NotSupportedException or InvalidOperationException, ex.ToString());
        Assert.Contains(nameof(Sample), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_AreOneLineAndDocumentsIndented()
    {
        var value = new Sample(SharingMode.Mig, 0.5, "x");

        Assert.DoesNotContain('\n', JsonSerializer.Serialize(value, GpuQosJson.Lines));
        Assert.Contains('\n', JsonSerializer.Serialize(value, GpuQosJson.Documents));
    }

    [Fact]
    public void SharedSettings_AreReadOnly()
    {
        Assert.True(GpuQosJson.Documents.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => GpuQosJson.Lines.WriteIndented = true);
    }
}
