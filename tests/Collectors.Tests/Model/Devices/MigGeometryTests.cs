using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Tests.Model.Devices;

public sealed class MigGeometryTests
{
    [Fact]
    public void Place_ThreeTwoOneOne_InCreationOrder_FitsAnH100()
    {
        var (placements, errors) = MigGeometry.Place(GpuModels.H100Sxm80, [("3g.40gb", null), ("2g.20gb", null), ("1g.10gb", null)]);
        Assert.Empty(errors);
        Assert.Equal([0, 4, 6], placements.Select(p => p.Start));
    }

    [Fact]
    public void Place_ThreeTwoOneOne_OnA100_FindsThePackingWhateverTheOrder()
    {
        // 1g instances may not start at slice 7, so 3-2-1-1 fits only with the 3g at 4-7.
        var (placements, errors) = MigGeometry.Place(GpuModels.A100Sxm40, [("3g.20gb", null), ("2g.10gb", null), ("1g.5gb", null), ("1g.5gb", null)]);
        Assert.Empty(errors);
        Assert.Equal([4, 0, 2, 3], placements.Select(p => p.Start));
    }

    [Fact]
    public void Place_NoPackingFits_IsRejected()
    {
        // 4g (slices 0-3) + 3g (4-7) leave nothing for a 1g.
        var (_, errors) = MigGeometry.Place(GpuModels.A100Sxm40, [("4g.20gb", null), ("3g.20gb", null), ("1g.5gb", null)]);
        Assert.Contains(errors, e => e.Contains("no free placement left for 1g.5gb", StringComparison.Ordinal));
    }

    [Fact]
    public void Place_FixedStartBlocksTheOnlyPacking_IsRejected()
    {
        var (_, errors) = MigGeometry.Place(GpuModels.A100Sxm40, [("1g.5gb", 4), ("3g.20gb", null), ("3g.20gb", null)]);
        Assert.NotEmpty(errors);
    }

    [Theory]
    [InlineData("3g.40gb", 2, "cannot start at memory slice 2")]
    [InlineData("5g.50gb", null, "does not exist on H100-SXM5-80GB")]
    public void Place_InvalidRequests_AreRejectedWithAReason(string profile, int? start, string reason)
    {
        var (placements, errors) = MigGeometry.Place(GpuModels.H100Sxm80, [(profile, start)]);
        Assert.Empty(placements);
        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Place_MoreThanMaxCount_IsRejected()
    {
        var (_, errors) = MigGeometry.Place(GpuModels.A100Sxm40, [("3g.20gb", null), ("3g.20gb", null), ("3g.20gb", null)]);
        Assert.Contains(errors, e => e.Contains("at most 2 instance(s) of 3g.20gb", StringComparison.Ordinal));
    }

    [Fact]
    public void Place_Overlap_IsRejected()
    {
        var (_, errors) = MigGeometry.Place(GpuModels.A100Sxm40, [("4g.20gb", 0), ("2g.10gb", 2)]);
        Assert.Contains(errors, e => e.Contains("overlaps", StringComparison.Ordinal));
    }

    [Fact]
    public void Place_ModelWithoutMig_IsRejected()
    {
        var (_, errors) = MigGeometry.Place(GpuModels.L40S, [("1g.10gb", null)]);
        Assert.Contains(errors, e => e.Contains("does not support MIG", StringComparison.Ordinal));
    }

    [Fact]
    public void Catalogue_ProfileIdsAndEnumsDiffer_AsNvmlReportsThem()
    {
        // ANCHORS: A100 3g has ID 9 and enum 2; keep both.
        var p = GpuModels.A100Sxm40.FindProfile("3g.20gb")!;
        Assert.Equal(9, p.Id);
        Assert.Equal(2, p.ProfileEnum);
        Assert.Equal(60, GpuModels.H100Sxm80.FindProfile("3g.40gb")!.SmCount);
        Assert.Equal(46, GpuModels.H100Pcie80.FindProfile("3g.40gb")!.SmCount);
        Assert.All(GpuModels.All.Where(m => m.SupportsMig), m =>
            Assert.All(m.MigProfiles, profile =>
                Assert.All(profile.AllowedStarts, s => Assert.True(s + profile.MemorySlices <= m.MemorySlices, $"{m.Key} {profile.Name} at {s} runs past the last slice"))));
    }
}
