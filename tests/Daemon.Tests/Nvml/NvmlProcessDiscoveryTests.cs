using System.Text.Json;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>The real daemon over a stand-in that models MPS as NVML documents it: clients in the MPS list only.</summary>
public sealed class NvmlProcessDiscoveryTests(NvmlStubBuild stub) : IClassFixture<NvmlStubBuild>
{
    [Fact]
    public async Task Run_MpsClientsOnlyInMpsList_AttributedToTheirTenants()
    {
        // Reading only the compute list, the daemon saw the MPS server alone: the tenants' processes, their memory
        // and every policy on them were missing on a host whose driver follows NVML's documentation.
        var fixture = stub.Fixture(
            "gpu uuid=GPU-00000000-0000-0000-0000-0000000000a1 name=\"NVIDIA A100-SXM4-40GB\" pci=00000000:47:00.0 memory=40960 reserved=512 sm_util=40",
            "process gpu=0 pid=3900 name=nvidia-cuda-mps-server memory=32 sm=40 mem=10",
            "process gpu=0 pid=3901 name=trainer-a memory=6144 sampled=0 context=mps",
            "process gpu=0 pid=3902 name=trainer-b memory=2048 sampled=0 context=mps");
        var config = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(config, """
            settings:
              interval: 200ms
            tenants:
              - name: team-a
                match:
                  - process: trainer-a
              - name: team-b
                match:
                  - process: trainer-b
            attribution:
              refresh: 200ms
            """);
        await using var daemon = await DaemonProcess.StartAsync(["--backend", "nvml", "--config", config, "--procfs-root", stub.EmptyProcfs()], NvmlStubBuild.Environment(fixture));

        IReadOnlyList<Sample> samples = [];
        for (var attempt = 0; attempt < 100; attempt++)
        {
            samples = ExpositionParser.Parse(await daemon.ScrapeAsync());
            if (samples.Count(s => s.Name == "gpuqos_tenant_processes") >= 2)
            {
                break;
            }

            await Task.Delay(200);
        }

        double Tenant(string tenant) => samples.SingleOrDefault(s => s.Name == "gpuqos_tenant_processes" && s.Labels["tenant"] == tenant)?.Value ?? 0;
        Assert.Equal(1, Tenant("team-a"));
        Assert.Equal(1, Tenant("team-b"));
        var memory = samples.Where(s => s.Name == "gpuqos_process_memory_used_bytes").ToDictionary(s => s.Labels["pid"]);
        Assert.Equal(("team-a", 6144.0 * (1 << 20)), (memory["3901"].Labels["tenant"], memory["3901"].Value));
        Assert.Equal(("team-b", 2048.0 * (1 << 20)), (memory["3902"].Labels["tenant"], memory["3902"].Value));
        Assert.Equal(["3900", "3901", "3902"], memory.Keys.Order(StringComparer.Ordinal));

        // /api/v1/state says which context each process holds.
        using var state = JsonDocument.Parse(await daemon.Http.GetStringAsync("/api/v1/state"));
        var contexts = state.RootElement.GetProperty("gpus")[0].GetProperty("processes").EnumerateArray()
            .Select(p => p.GetProperty("reading"))
            .ToDictionary(r => r.GetProperty("pid").GetInt32(), r => r.GetProperty("contexts").GetString());
        Assert.Equal("compute", contexts[3900]);
        Assert.Equal("mps-client", contexts[3901]);
    }
}
