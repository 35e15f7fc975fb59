using System.Diagnostics;
using GpuQos.Daemon.Http;

namespace GpuQos.Daemon.Tests.Http;

public sealed class PasswordCheckTests
{
    [Fact]
    public void Check_UnknownUser_CostsAsMuchAsAWrongPassword()
    {
        // Cost 8 is about 4x cheaper than the fixed cost-10 dummy the check used before, so a timing
        // difference between "no such user" and "wrong password" would tell a guesser which users exist.
        using var check = new PasswordCheck(new Dictionary<string, string> { ["prometheus"] = BCrypt.Net.BCrypt.HashPassword("s3cret", 8) }, 4);
        Assert.Equal(PasswordVerdict.Rejected, check.Check("nobody:x"));

        var unknown = Median(() => Assert.Equal(PasswordVerdict.Rejected, check.Check("nobody:guess")));
        var wrong = Median(() => Assert.Equal(PasswordVerdict.Rejected, check.Check("prometheus:guess")));

        Assert.Equal(8, check.DummyCost);
        Assert.InRange(unknown / wrong, 0.4, 2.5);
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

    private static double Median(Action action)
    {
        var samples = new double[7];
        for (var i = 0; i < samples.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}
