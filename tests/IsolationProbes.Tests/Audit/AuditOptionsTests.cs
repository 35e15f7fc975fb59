using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.Model.Configuration;

namespace GpuQos.IsolationProbes.Tests.Audit;

public sealed class AuditOptionsTests
{
    [Fact]
    public void Bind_FullSection_ReadsEverySetting()
    {
        var (options, errors) = YamlBinder.Bind<AuditOptions>("""
            enabled: true
            cron: "0 3 * * *"
            window: { start: "01:00", end: "05:00" }
            maxGpuUtilization: 0.1
            accelerator: cpu
            repetitions: 21
            probes: [compute, covert]
            thresholds: { mig: 1.02, timeSliced: 3 }
            cpuPartitions:
              - { name: a, cores: [0], memoryLimit: 128MiB }
            """);

        Assert.Empty(errors);
        Assert.Equal(AcceleratorChoice.Cpu, options!.Accelerator);
        Assert.Equal([ProbeKind.Compute, ProbeKind.Covert], options.Probes);
        Assert.Equal(1.02, options.Thresholds.For("mig"));
        Assert.Equal(3, options.Thresholds.For("time-sliced"));
        Assert.Equal(128L << 20, options.CpuPartitions[0].MemoryLimit);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("0")]
    [InlineData("\"\"")]
    public void Bind_WorkerUserRoot_ErrorNamesWorkerUser(string user)
    {
        var (_, errors) = YamlBinder.Bind<AuditOptions>($"workerUser: {user}\n");

        Assert.Contains(errors, e => e.Path == "workerUser" && e.Message.Contains("unprivileged", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_WorkersRunAsNobody() => Assert.Equal("nobody", new AuditOptions().WorkerUser);

    [Fact]
    public void Bind_IntervalAndCron_ErrorNamesCron()
    {
        var (_, errors) = YamlBinder.Bind<AuditOptions>("interval: 1h\ncron: \"0 3 * * *\"\n");

        Assert.Contains(errors, e => e.Path == "cron" && e.Message.Contains("not both", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_BadCronAndWindowAndCores_EveryErrorNamed()
    {
        var (_, errors) = YamlBinder.Bind<AuditOptions>("""
            cron: "every night"
            window: { start: "25:00", end: "05:00" }
            cpuPartitions:
              - { name: a, cores: [] }
            """);

        Assert.Contains(errors, e => e.Path == "cron");
        Assert.Contains(errors, e => e.Path == "window.start");
        Assert.Contains(errors, e => e.Path == "cpuPartitions[0].cores");
    }

    [Fact]
    public void Defaults_MigFailsAbove105_TimeSlicingReportsOnly()
    {
        var thresholds = new AuditThresholdOptions();

        Assert.Equal(1.05, thresholds.For("mig"));
        Assert.Null(thresholds.For("time-sliced"));
        Assert.Null(thresholds.For("mps"));
    }
}
