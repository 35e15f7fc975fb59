using System.Text.RegularExpressions;
using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Output;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;
using YamlDotNet.RepresentationModel;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Output;

public sealed partial class MigPartedConfigTests
{
    private static HostAdvice DemoAdvice() => new SharingAdvisor(new AdvisorOptions()).Advise(Host(
        Gpu(GpuModels.A100Sxm80, SharingMode.TimeSliced,
            Tenant("search", Demand(0.2, 0.3, 0.33), 14, breachesPerDay: 14, breachFraction: 0.03),
            Tenant("ads", Demand(0.18, 0.28, 0.32), 10, breachesPerDay: 9, breachFraction: 0.02)),
        Gpu(GpuModels.H100Sxm80, SharingMode.Mig, Tenant("nb", Demand(0.02, 0.15, 0.25), 3), Tenant("nb2", Demand(0.02, 0.15, 0.25), 3)) with
        {
            Index = 1,
            CurrentGeometry = [new("3g.40gb", 0, "nb"), new("3g.40gb", 4, "nb2")],
        },
        Gpu(GpuModels.A10, SharingMode.TimeSliced, Tenant("x", Demand(0.1, 0.2, 0.3), 2), Tenant("y", Demand(0.1, 0.2, 0.3), 2)) with { Index = 2 }));

    [Fact]
    public void Write_Advice_ParsesAsMigPartedV1()
    {
        var advice = DemoAdvice();
        var yaml = MigPartedConfig.Write(advice)!;

        // mig-parted's v1 spec: version "v1"; mig-configs: a non-empty map of non-empty lists of entries with
        // devices ("all" or a list of ints), mig-enabled (bool), mig-devices (map of profile -> count) exactly when enabled.
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Assert.Equal(["version", "mig-configs"], root.Children.Keys.Select(k => k.ToString()));
        Assert.Equal("v1", root["version"].ToString());
        var configs = (YamlMappingNode)root["mig-configs"];
        var entries = (YamlSequenceNode)configs[MigPartedConfig.ConfigName];
        Assert.NotEmpty(entries);
        var byGpu = new Dictionary<int, YamlMappingNode>();
        foreach (YamlMappingNode entry in entries)
        {
            Assert.All(entry.Children.Keys, k => Assert.Contains(k.ToString(), new[] { "devices", "mig-enabled", "mig-devices", "device-filter" }));
            var devices = Assert.IsType<YamlSequenceNode>(entry["devices"]);
            var index = int.Parse(Assert.Single(devices).ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var enabled = bool.Parse(entry["mig-enabled"].ToString());
            Assert.Equal(enabled, entry.Children.ContainsKey("mig-devices"));
            byGpu[index] = entry;
            if (!enabled)
            {
                continue;
            }

            var model = GpuModels.Find(advice.Gpus.Single(g => g.Gpu == index).Model)!;
            var requested = new List<(string, int?)>();
            foreach (var (profile, count) in (YamlMappingNode)entry["mig-devices"])
            {
                Assert.Matches(ProfileFormat(), profile.ToString());
                requested.AddRange(Enumerable.Repeat((profile.ToString(), (int?)null), int.Parse(count.ToString(), System.Globalization.CultureInfo.InvariantCulture)));
            }

            Assert.Empty(MigGeometry.Place(model, [.. requested.OrderByDescending(r => model.FindProfile(r.Item1)!.MemorySlices)]).Errors);
        }

        Assert.Equal("true", byGpu[0]["mig-enabled"].ToString());
        Assert.Equal("2", ((YamlMappingNode)byGpu[0]["mig-devices"])["3g.40gb"].ToString());
        Assert.Equal("false", byGpu[1]["mig-enabled"].ToString());
        Assert.False(byGpu.ContainsKey(2), "the A10 has no MIG and must not appear");
    }

    [Fact]
    public void Write_TimeSlicedAdvice_DevicePluginConfigNamesReplicasPerGpu()
    {
        var yaml = DevicePluginConfig.Write(DemoAdvice())!;

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Assert.Equal("v1", root["version"].ToString());
        var resources = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["sharing"])["timeSlicing"])["resources"];
        var r = (YamlMappingNode)Assert.Single(resources);
        Assert.Equal("nvidia.com/gpu", r["name"].ToString());
        Assert.Equal("2", r["replicas"].ToString());
        Assert.Equal(["1", "2"], ((YamlSequenceNode)r["devices"]).Select(d => d.ToString()).Order());
    }

    [GeneratedRegex(@"^([0-9]+c\.)?[0-9]+g\.[0-9]+gb(\+me)?$")]
    private static partial Regex ProfileFormat();
}
