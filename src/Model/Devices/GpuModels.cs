namespace GpuQos.Model.Devices;

/// <summary>
/// The GPU models GpuQos knows, with their MIG profile tables. Sources: NVIDIA MIG User Guide
/// ("Supported MIG Profiles"), go-nvml's A100 mock values, and nvidia-smi <c>-lgip</c>/<c>-lgipp</c> outputs.
/// H200 placements are assumed to equal H100's, which is unverified.
/// </summary>
public static class GpuModels
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;

    private static readonly int[] Every = [0, 1, 2, 3, 4, 5, 6];
    private static readonly int[] Even = [0, 2, 4, 6];
    private static readonly int[] Pairs = [0, 2, 4];
    private static readonly int[] Halves = [0, 4];
    private static readonly int[] First = [0];

    /// <summary>A100 SXM4 40 GB: 7g mode uses 98 of the 108 SMs.</summary>
    public static GpuModel A100Sxm40 { get; } = new(
        "A100-SXM4-40GB", "NVIDIA A100-SXM4-40GB", 40 * GiB, 108, 1410, 1215, 400, 55, 40 * MiB, 8,
        A100Profiles(5));

    /// <summary>A100 SXM4 80 GB: the A100 table with doubled memory.</summary>
    public static GpuModel A100Sxm80 { get; } = new(
        "A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB", 80 * GiB, 108, 1410, 1593, 400, 60, 40 * MiB, 8,
        A100Profiles(10));

    /// <summary>H100 SXM5 80 GB.</summary>
    public static GpuModel H100Sxm80 { get; } = new(
        "H100-SXM5-80GB", "NVIDIA H100 80GB HBM3", 80 * GiB, 132, 1980, 2619, 700, 70, 50 * MiB, 8,
        HopperProfiles(10, [16, 16, 26, 32, 60, 64, 132]));

    /// <summary>H100 PCIe 80 GB.</summary>
    public static GpuModel H100Pcie80 { get; } = new(
        "H100-PCIE-80GB", "NVIDIA H100 PCIe", 80 * GiB, 114, 1755, 1593, 350, 50, 50 * MiB, 8,
        HopperProfiles(10, [14, 14, 14, 30, 46, 62, 114]));

    /// <summary>H200 141 GB (placements assumed equal to H100's).</summary>
    public static GpuModel H200 { get; } = new(
        "H200-141GB", "NVIDIA H200", 141 * GiB, 132, 1980, 3201, 700, 75, 50 * MiB, 8,
        [
            new("1g.18gb", 19, 0, 1, 1, 16, 18 * GiB, 7, Every),
            new("1g.18gb+me", 20, 7, 1, 1, 16, 18 * GiB, 1, Every),
            new("1g.35gb", 15, 9, 1, 2, 26, 35 * GiB, 4, Even),
            new("2g.35gb", 14, 1, 2, 2, 32, 35 * GiB, 3, Pairs),
            new("3g.71gb", 9, 2, 3, 4, 60, 71 * GiB, 2, Halves),
            new("4g.71gb", 5, 3, 4, 4, 64, 71 * GiB, 1, First),
            new("7g.141gb", 0, 4, 7, 8, 132, 141 * GiB, 1, First),
        ]);

    /// <summary>A30 24 GB: four memory slices.</summary>
    public static GpuModel A30 { get; } = new(
        "A30-24GB", "NVIDIA A30", 24 * GiB, 56, 1440, 1215, 165, 30, 24 * MiB, 4,
        [
            new("1g.6gb", 14, 0, 1, 1, 14, 6 * GiB, 4, [0, 1, 2, 3]),
            new("2g.12gb", 5, 1, 2, 2, 28, 12 * GiB, 2, [0, 2]),
            new("4g.24gb", 0, 3, 4, 4, 56, 24 * GiB, 1, First),
        ]);

    /// <summary>L40S 48 GB: no MIG; a typical vGPU and time-slicing card.</summary>
    public static GpuModel L40S { get; } = new(
        "L40S-48GB", "NVIDIA L40S", 48 * GiB, 142, 2520, 2250, 350, 35, 96 * MiB, 0, []);

    /// <summary>A10 24 GB: no MIG.</summary>
    public static GpuModel A10 { get; } = new(
        "A10-24GB", "NVIDIA A10", 24 * GiB, 72, 1695, 1563, 150, 20, 6 * MiB, 0, []);

    /// <summary>Every known model.</summary>
    public static IReadOnlyList<GpuModel> All { get; } = [A100Sxm40, A100Sxm80, H100Sxm80, H100Pcie80, H200, A30, L40S, A10];

    /// <summary>Finds a model by key or NVML product name (case-insensitive), or null.</summary>
    public static GpuModel? Find(string keyOrName) => All.FirstOrDefault(m =>
        string.Equals(m.Key, keyOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(m.ProductName, keyOrName, StringComparison.OrdinalIgnoreCase));

    private static MigProfile[] A100Profiles(int gbPerSlice) =>
    [
        new($"1g.{gbPerSlice}gb", 19, 0, 1, 1, 14, gbPerSlice * GiB, 7, Every),
        new($"1g.{gbPerSlice}gb+me", 20, 7, 1, 1, 14, gbPerSlice * GiB, 1, Every),
        new($"1g.{2 * gbPerSlice}gb", 15, 9, 1, 2, 14, 2 * gbPerSlice * GiB, 4, Even),
        new($"2g.{2 * gbPerSlice}gb", 14, 1, 2, 2, 28, 2 * gbPerSlice * GiB, 3, Pairs),
        new($"3g.{4 * gbPerSlice}gb", 9, 2, 3, 4, 42, 4 * gbPerSlice * GiB, 2, Halves),
        new($"4g.{4 * gbPerSlice}gb", 5, 3, 4, 4, 56, 4 * gbPerSlice * GiB, 1, First),
        new($"7g.{8 * gbPerSlice}gb", 0, 4, 7, 8, 98, 8 * gbPerSlice * GiB, 1, First),
    ];

    // SM counts in table order: 1g, 1g+me, 1g (2 slices), 2g, 3g, 4g, 7g.
    private static MigProfile[] HopperProfiles(int gbPerSlice, int[] sms) =>
    [
        new($"1g.{gbPerSlice}gb", 19, 0, 1, 1, sms[0], gbPerSlice * GiB, 7, Every),
        new($"1g.{gbPerSlice}gb+me", 20, 7, 1, 1, sms[1], gbPerSlice * GiB, 1, Every),
        new($"1g.{2 * gbPerSlice}gb", 15, 9, 1, 2, sms[2], 2 * gbPerSlice * GiB, 4, Even),
        new($"2g.{2 * gbPerSlice}gb", 14, 1, 2, 2, sms[3], 2 * gbPerSlice * GiB, 3, Pairs),
        new($"3g.{4 * gbPerSlice}gb", 9, 2, 3, 4, sms[4], 4 * gbPerSlice * GiB, 2, Halves),
        new($"4g.{4 * gbPerSlice}gb", 5, 3, 4, 4, sms[5], 4 * gbPerSlice * GiB, 1, First),
        new($"7g.{8 * gbPerSlice}gb", 0, 4, 7, 8, sms[6], 8 * gbPerSlice * GiB, 1, First),
    ];
}
