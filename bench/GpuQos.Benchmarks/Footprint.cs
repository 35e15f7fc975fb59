using System.Diagnostics;
using System.Globalization;

namespace GpuQos.Benchmarks;

/// <summary>
/// Resident memory and CPU of running processes, read from /proc over a period, while something scrapes them:
/// <c>footprint --pid 1234 --pid 5678 --seconds 60</c>. CPU is reported as a percentage of one core.
/// </summary>
internal static class Footprint
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pids = args.Select((a, i) => (a, i)).Where(x => x.a == "--pid" && x.i + 1 < args.Length)
            .Select(x => int.Parse(args[x.i + 1], CultureInfo.InvariantCulture)).ToArray();
        var seconds = double.Parse(LoadTest.Arg(args, "--seconds", "60"), CultureInfo.InvariantCulture);
        if (pids.Length == 0)
        {
            await Console.Error.WriteLineAsync("footprint: give at least one --pid");
            return 2;
        }

        var ticksPerSecond = 100.0; // USER_HZ on Linux
        var start = pids.ToDictionary(p => p, CpuTicks);
        var peak = pids.ToDictionary(p => p, _ => 0L);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            foreach (var p in pids)
            {
                peak[p] = Math.Max(peak[p], Rss(p));
            }

            await Task.Delay(1000);
        }

        foreach (var p in pids)
        {
            var cpu = (CpuTicks(p) - start[p]) / ticksPerSecond / clock.Elapsed.TotalSeconds * 100;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pid={p} comm={File.ReadAllText($"/proc/{p}/comm").Trim()} rss_mib={Rss(p) / 1048576.0:0.0} peak_rss_mib={peak[p] / 1048576.0:0.0} cpu_percent_of_one_core={cpu:0.00}"));
        }

        return 0;
    }

    private static long CpuTicks(int pid)
    {
        // Fields after the parenthesised comm: state is field 3; utime and stime are fields 14 and 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
