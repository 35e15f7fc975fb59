using System.Runtime.InteropServices;
using System.Text.Json;
using GpuQos.Backends.Nvml.Interop;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>Every marshalled struct has the size and field offsets the C compiler gives NVML 13's layout.</summary>
[Collection(NvmlStubCollection.Name)]
public sealed class NvmlLayoutTests(NvmlStubHost stub)
{
    // C struct -> managed type, and C field -> managed field where the names differ beyond capitalization.
    public static TheoryData<string, Type> Structs => new()
    {
        { "nvmlPciInfo_t", typeof(NvmlPciInfo) },
        { "nvmlMemory_v2_t", typeof(NvmlMemoryV2) },
        { "nvmlUtilization_t", typeof(NvmlUtilization) },
        { "nvmlTemperature_v1_t", typeof(NvmlTemperatureV1) },
        { "nvmlEventData_t", typeof(NvmlEventData) },
        { "nvmlProcessInfo_t", typeof(NvmlProcessInfo) },
        { "nvmlProcessUtilizationSample_t", typeof(NvmlProcessUtilizationSample) },
        { "nvmlVgpuInstanceUtilizationSample_t", typeof(NvmlVgpuInstanceUtilizationSample) },
        { "nvmlGpuInstancePlacement_t", typeof(NvmlGpuInstancePlacement) },
        { "nvmlGpuInstanceProfileInfo_t", typeof(NvmlGpuInstanceProfileInfo) },
        { "nvmlGpuInstanceInfo_t", typeof(NvmlGpuInstanceInfo) },
        { "nvmlComputeInstanceInfo_t", typeof(NvmlComputeInstanceInfo) },
        { "nvmlVgpuSchedulerGetState_t", typeof(NvmlVgpuSchedulerGetState) },
        { "nvmlVgpuSchedulerSetState_t", typeof(NvmlVgpuSchedulerSetState) },
        { "nvmlVgpuSchedulerCapabilities_t", typeof(NvmlVgpuSchedulerCapabilities) },
        { "nvmlGpmSupport_t", typeof(NvmlGpmSupport) },
        { "nvmlGpmMetric_t", typeof(NvmlGpmMetric) },
    };

    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["avgFactorOrTimeslice"] = "Params0",
        ["timesliceWithArr"] = "Params1",
        ["frequency"] = "Params1",
        ["enableARRMode"] = "EnableArrMode",
        ["metricInfo"] = "ShortName",
        ["nvmlReturn"] = "NvmlReturn",
    };

    [Theory]
    [MemberData(nameof(Structs))]
    public void Layout_ManagedStruct_MatchesC(string cName, Type managed)
    {
        var c = Layout()[cName];
        Assert.Equal(c.Size, Marshal.SizeOf(managed));
        Assert.NotEmpty(c.Fields);
        foreach (var (field, offset) in c.Fields)
        {
            var name = Renamed.GetValueOrDefault(field) ?? char.ToUpperInvariant(field[0]) + field[1..];
            Assert.True(managed.GetField(name) is not null, $"{managed.Name} has no field {name} for {cName}.{field}");
            Assert.Equal((cName, field, offset), (cName, field, (int)Marshal.OffsetOf(managed, name)));
        }

        Assert.Equal(c.Fields.Count, managed.GetFields().Count(f => !f.IsStatic && !f.IsLiteral) - ExtraManagedFields(managed));
    }

    [Fact]
    public void Layout_GpmMetricsGet_HeaderAndArrayMatchC()
    {
        var c = Layout()["nvmlGpmMetricsGet_t"];
        var header = typeof(NvmlGpmMetricsGetHeader);
        Assert.Equal(c.Fields["version"], (int)Marshal.OffsetOf(header, nameof(NvmlGpmMetricsGetHeader.Version)));
        Assert.Equal(c.Fields["numMetrics"], (int)Marshal.OffsetOf(header, nameof(NvmlGpmMetricsGetHeader.NumMetrics)));
        Assert.Equal(c.Fields["sample1"], (int)Marshal.OffsetOf(header, nameof(NvmlGpmMetricsGetHeader.Sample1)));
        Assert.Equal(c.Fields["sample2"], (int)Marshal.OffsetOf(header, nameof(NvmlGpmMetricsGetHeader.Sample2)));
        Assert.Equal(c.Fields["metrics"], Marshal.SizeOf<NvmlGpmMetricsGetHeader>());
        Assert.Equal(c.Size, NvmlGpmMetricsGetHeader.StructSize);
    }

    [Fact]
    public void Layout_EveryStruct_OnBothSidesIsCompared()
    {
        var compared = Structs.Select(row => (string)row[0]).Append("nvmlGpmMetricsGet_t").ToHashSet();
        Assert.Equal(Layout().Keys.Order(StringComparer.Ordinal), compared.Order(StringComparer.Ordinal));

        var managed = typeof(NvmlNative).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(NvmlNative).Namespace && t.IsValueType && !t.IsEnum && t.IsLayoutSequential && !t.IsNested && !t.Name.Contains('<', StringComparison.Ordinal))
            .Select(t => t.Name);
        Assert.Equal(
            Structs.Select(row => ((Type)row[1]).Name).Append(nameof(NvmlGpmMetricsGetHeader)).Order(StringComparer.Ordinal),
            managed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Versions_VersionedStructs_AreSizeWithVersionInTopByte()
    {
        Assert.Equal(NvmlMemoryV2.Version2, (uint)Marshal.SizeOf<NvmlMemoryV2>() | (2u << 24));
        Assert.Equal(NvmlTemperatureV1.Version1, (uint)Marshal.SizeOf<NvmlTemperatureV1>() | (1u << 24));
    }

    // The C side names a nested struct once (metricInfo), the managed side flattens it into three pointers.
    private static int ExtraManagedFields(Type managed) => managed == typeof(NvmlGpmMetric) ? 2 : 0;

    private Dictionary<string, (int Size, Dictionary<string, int> Fields)> Layout()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(stub.LayoutPath));
        return doc.RootElement.EnumerateObject().ToDictionary(
            s => s.Name,
            s => (s.Value.GetProperty("size").GetInt32(),
                  s.Value.GetProperty("fields").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetInt32())));
    }
}
