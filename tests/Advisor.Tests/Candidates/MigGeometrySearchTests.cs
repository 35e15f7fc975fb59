using GpuQos.Advisor.Advice;
using GpuQos.Advisor.Candidates;
using GpuQos.Advisor.Evidence;
using GpuQos.Advisor.Scoring;
using GpuQos.Model.Devices;
using static GpuQos.Advisor.Tests.TestSupport.Synthetic;

namespace GpuQos.Advisor.Tests.Candidates;

public sealed class MigGeometrySearchTests
{
    /// <summary>Every MIG-capable model crossed with tenant mixes from one to eight tenants of varied size.</summary>
    public static TheoryData<string, int, int> Mixes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var model in GpuModels.All.Where(m => m.SupportsMig))
        {
            for (var tenants = 1; tenants <= 8; tenants++)
            {
                for (var seed = 0; seed < 4; seed++)
                {
                    data.Add(model.Key, tenants, seed);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Mixes))]
    public void Advise_AnyTenantMix_EveryMigGeometryItEmitsPlacesOnItsModel(string modelKey, int count, int seed)
    {
        var model = GpuModels.Find(modelKey)!;
        var random = new Random(seed * 31 + count);
        var tenants = Enumerable.Range(0, count).Select(i =>
        {
            var p50 = random.NextDouble() * 0.4;
            return Tenant($"t{i}", Demand(p50, p50 + 0.1, p50 + 0.15), random.NextDouble() * model.MemoryBytes / GiB / count, breachesPerDay: random.Next(2) == 0 ? null : 3, breachFraction: 0.01);
        }).ToArray();
        var gpu = Gpu(model, SharingMode.TimeSliced, tenants);

        var advice = new SharingAdvisor(new AdvisorOptions()).Advise(Host(gpu)).Gpus.Single();
        var (candidates, _) = CandidateGenerator.Generate(gpu, model, new AdvisorOptions());

        var emitted = candidates.Concat(advice.Alternatives.Select(a => a.Candidate)).Append(advice.Recommended!.Candidate).Where(c => c.Mode == SharingMode.Mig).ToArray();
        Assert.True(count <= 7 || emitted.Length == 0, "more than seven tenants cannot each get a MIG instance");
        foreach (var c in emitted)
        {
            // Placed exactly where the advice says, in the advised creation order.
            var (placements, errors) = MigGeometry.Place(model, [.. c.Allocations.Select(a => (a.Profile!, a.Start))]);
            Assert.True(errors.Count == 0, $"{model.Key} {c.Label}: {string.Join("; ", errors)}");
            Assert.Equal(c.Allocations.Count, placements.Count);
            foreach (var a in c.Allocations)
            {
                var t = tenants.Single(x => x.Name == a.Tenant);
                Assert.True(model.FindProfile(a.Profile!)!.MemoryBytes >= t.MemoryPeakBytes, $"{c.Label}: {a.Tenant}'s peak does not fit {a.Profile}");
            }
        }
    }

    [Fact]
    public void Search_SevenSmallTenantsOnA100_OnlyOneComputeSliceEach()
    {
        var tenants = Enumerable.Range(0, 7).Select(i => Tenant($"t{i}", Demand(0.05, 0.1, 0.12), 2)).ToArray();

        var (geometries, rejection) = MigGeometrySearch.Search(GpuModels.A100Sxm40, tenants, 0.1);

        Assert.Null(rejection);
        Assert.All(geometries, g => Assert.All(g.MigProfiles, p => Assert.StartsWith("1g.", p, StringComparison.Ordinal)));
        var all5 = Assert.Single(geometries, g => g.MigProfiles.All(p => p == "1g.5gb"));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], all5.Allocations.Select(a => a.Start!.Value).Order());
    }

    [Fact]
    public void Search_ThreeTwoOneOne_CreatesTheLargestFirstWhereTheRestStillFit()
    {
        var tenants = new[]
        {
            Tenant("small-a", Demand(0.05, 0.1, 0.12), 4),
            Tenant("big", Demand(0.3, 0.35, 0.38), 18),
            Tenant("small-b", Demand(0.05, 0.1, 0.12), 4),
            Tenant("mid", Demand(0.15, 0.2, 0.22), 9),
        };

        var (geometries, _) = MigGeometrySearch.Search(GpuModels.A100Sxm40, tenants, 0.1);

        var g = Assert.Single(geometries, c => c.MigProfiles.SequenceEqual(["3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"]));
        Assert.Equal("big", g.Allocations[0].Tenant);
        Assert.Equal(4, g.Allocations[0].Start); // at 0 it would leave no start for the second 1g (1g starts at 0..6)
    }

    [Theory]
    [MemberData(nameof(Mixes))]
    public void Search_WithMemo_SameGeometriesAsWithout_AndTheSecondSearchIsAHit(string modelKey, int count, int seed)
    {
        var model = GpuModels.Find(modelKey)!;
        var random = new Random(seed * 31 + count);
        var tenants = Enumerable.Range(0, count)
            .Select(i => Tenant($"t{i}", Demand(0.1, 0.2, 0.25), random.NextDouble() * model.MemoryBytes / GiB / count))
            .ToArray();
        var memo = new MigGeometryMemo();

        var plain = MigGeometrySearch.Search(model, tenants, 0.1);
        var first = MigGeometrySearch.Search(model, tenants, 0.1, memo);
        var second = MigGeometrySearch.Search(model, tenants, 0.1, memo);

        Assert.Equal(Describe(plain.Geometries), Describe(first.Geometries));
        Assert.Equal(Describe(plain.Geometries), Describe(second.Geometries));
        Assert.Equal(plain.Rejection, first.Rejection);
        Assert.Equal(plain.Rejection, second.Rejection);

        // A search that got as far as enumerating is remembered once, and answered from the memo the second time.
        Assert.Equal(memo.Count, (int)memo.Hits);
    }

    [Fact]
    public void Search_WithMemo_PeaksThatFitTheSameProfiles_AnsweredFromTheMemo()
    {
        var memo = new MigGeometryMemo();
        var small = new[] { Tenant("a", Demand(0.1, 0.2, 0.25), 2), Tenant("b", Demand(0.1, 0.2, 0.25), 3) };
        var alsoSmall = new[] { Tenant("a", Demand(0.1, 0.2, 0.25), 3), Tenant("b", Demand(0.1, 0.2, 0.25), 2.5) };

        var first = MigGeometrySearch.Search(GpuModels.A100Sxm40, small, 0.1, memo);
        var second = MigGeometrySearch.Search(GpuModels.A100Sxm40, alsoSmall, 0.1, memo);

        Assert.Equal(1, memo.Count);
        Assert.Equal(1, memo.Hits);
        Assert.Same(first.Geometries, second.Geometries);
    }

    [Fact]
    public void Search_WithMemo_APeakGrownPastItsProfile_IsSearchedAgain()
    {
        var memo = new MigGeometryMemo();
        var before = new[] { Tenant("a", Demand(0.1, 0.2, 0.25), 2), Tenant("b", Demand(0.1, 0.2, 0.25), 3) };
        var after = new[] { Tenant("a", Demand(0.1, 0.2, 0.25), 2), Tenant("b", Demand(0.1, 0.2, 0.25), 15) };

        var first = MigGeometrySearch.Search(GpuModels.A100Sxm40, before, 0.1, memo);
        var second = MigGeometrySearch.Search(GpuModels.A100Sxm40, after, 0.1, memo);

        Assert.Equal(2, memo.Count);
        Assert.Equal(0, memo.Hits);
        Assert.Equal(Describe(MigGeometrySearch.Search(GpuModels.A100Sxm40, after, 0.1).Geometries), Describe(second.Geometries));
        Assert.Contains(first.Geometries, g => g.Allocations.Any(a => a.Tenant == "b" && a.Profile == "1g.5gb"));
        Assert.DoesNotContain(second.Geometries, g => g.Allocations.Any(a => a.Tenant == "b" && a.Profile == "1g.5gb"));
    }

    [Fact]
    public void Search_WithMemo_SameTenantsOnAnotherModel_IsSearchedAgain()
    {
        // Two tenants whose peaks fit every profile of both models: the same names and the same number of eligible
        // profiles, so only the model tells the two searches apart.
        var memo = new MigGeometryMemo();
        var tenants = new[] { Tenant("a", Demand(0.1, 0.2, 0.25), 2), Tenant("b", Demand(0.1, 0.2, 0.25), 3) };

        var a100 = MigGeometrySearch.Search(GpuModels.A100Sxm40, tenants, 0.1, memo);
        var h100 = MigGeometrySearch.Search(GpuModels.H100Sxm80, tenants, 0.1, memo);

        Assert.Equal(0, memo.Hits);
        Assert.Equal(Describe(MigGeometrySearch.Search(GpuModels.H100Sxm80, tenants, 0.1).Geometries), Describe(h100.Geometries));
        Assert.NotEqual(Describe(a100.Geometries), Describe(h100.Geometries));
    }

    [Fact]
    public void Search_WithMemo_NoGeometry_TheRejectionNamesTheCurrentPeaks()
    {
        var memo = new MigGeometryMemo();
        static TenantEvidence[] Four(double gib) => [.. Enumerable.Range(0, 4).Select(i => Tenant($"t{i}", Demand(0.1, 0.2, 0.25), gib))];

        var first = MigGeometrySearch.Search(GpuModels.A100Sxm40, Four(12), 0.1, memo);
        var second = MigGeometrySearch.Search(GpuModels.A100Sxm40, Four(13), 0.1, memo);

        Assert.Empty(first.Geometries);
        Assert.Empty(second.Geometries);
        Assert.Equal(1, memo.Hits);
        Assert.Contains("(12.0 GiB peak)", first.Rejection, StringComparison.Ordinal);
        Assert.Contains("(13.0 GiB peak)", second.Rejection, StringComparison.Ordinal);
    }

    [Fact]
    public void Memo_Full_StartsAgainInsteadOfGrowing()
    {
        var memo = new MigGeometryMemo();
        for (var i = 0; i <= MigGeometryMemo.Capacity; i++)
        {
            MigGeometrySearch.Search(GpuModels.A100Sxm40, [Tenant($"tenant{i}", Demand(0.1, 0.2, 0.25), 2)], 0.1, memo);
        }

        Assert.Equal(1, memo.Count);
    }

    private static string[] Describe(IReadOnlyList<Candidate> geometries) =>
        [.. geometries.Select(g => g.Label + ": " + string.Join(",", g.Allocations.Select(a => $"{a.Tenant}={a.Profile}@{a.Start}/{a.Capacity:R}")))];
}
