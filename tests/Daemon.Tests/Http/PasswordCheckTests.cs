using System.Diagnostics;
using GpuQos.Daemon.Http;
using GpuQos.Daemon.Tests.TestSupport;

namespace GpuQos.Daemon.Tests.Http;

/// <summary>
/// The first test compares two timings, so the class runs apart from the parallel collections: a daemon
/// starting beside it once made one side 3x slower than the other.
/// </summary>
[Collection(CpuTimingCollection.Name)]
public sealed class PasswordCheckTests
{
    [Fact]
    public void Check_UnknownUser_CostsAsMuchAsAWrongPassword()
    {
        // Cost 8 is about 4x cheaper than the fixed cost-10 dummy the check used before, so a timing
        // difference between "no such user" and "wrong password" would tell a guesser which users exist.
        using var check = new PasswordCheck(new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("s3cret", 8) }, 4);
        Assert.Equal(PasswordVerdict.Rejected, check.Check("nobody:x"));

        // Each round times both back to back, so load on the host weighs on the two alike; the claim is the
        // median of the rounds' ratios.
        var ratios = new double[9];
        for (var i = 0; i < ratios.Length; i++)
        {
            var unknown = Time(() => Assert.Equal(PasswordVerdict.Rejected, check.Check("nobody:guess")));
            var wrong = Time(() => Assert.Equal(PasswordVerdict.Rejected, check.Check("prometheus:guess")));
            ratios[i] = unknown / wrong;
        }

        Array.Sort(ratios);
        Assert.Equal(8, check.DummyCost);
        Assert.InRange(ratios[ratios.Length / 2], 0.4, 2.5);
    }

    [Fact]
    public async Task Check_MoreThanTheSlotsAtOnce_TheExcessIsRefusedAtOnce()
    {
        using var check = new PasswordCheck(new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("s3cret", 13) }, 1);
        using var start = new Barrier(2);

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() =>
        {
            start.SignalAndWait();
            var watch = Stopwatch.StartNew();
            var verdict = check.Check($"prometheus:guess{i}");
            return (verdict, watch.Elapsed);
        })));

        var busy = Assert.Single(runs, r => r.verdict == PasswordVerdict.Busy);
        var checkedOne = Assert.Single(runs, r => r.verdict == PasswordVerdict.Rejected);
        Assert.True(busy.Elapsed < checkedOne.Elapsed, $"the refused check took {busy.Elapsed}, the bcrypt round {checkedOne.Elapsed}");
    }

    [Fact]
    public void Check_RightPassword_IsAcceptedAndThenCached()
    {
        using var check = new PasswordCheck(new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("s3cret", 12) }, 1);

        Assert.Equal(PasswordVerdict.Accepted, check.Check("prometheus:s3cret"));
        var watch = Stopwatch.StartNew();
        Assert.Equal(PasswordVerdict.Accepted, check.Check("prometheus:s3cret"));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(50), $"the cached check took {watch.Elapsed}");
        Assert.Equal(PasswordVerdict.Rejected, check.Check("prometheus:s3cre"));
        Assert.Equal(PasswordVerdict.Rejected, check.Check("no-colon"));
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }
}
