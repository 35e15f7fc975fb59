using System.Diagnostics;

namespace GpuQos.Daemon.Tests.Packaging;

/// <summary>Runs the packaging tools (buildah, mmdebstrap, dpkg, lintian) as real processes.</summary>
internal static class HostCommand
{
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestSupport.RepoPaths.Root,
        };
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        return psi;
    }

    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? env = null)
    {
        var psi = StartInfo(file, args, env);
        var command = $"{file} {string.Join(' ', psi.ArgumentList)}";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish in {timeout}:\n{await stdout}\n{await stderr}");
        }

        return new CommandResult(command, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a command that must succeed, and returns its standard output.</summary>
    public static async Task<string> CheckedAsync(string file, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? env = null)
    {
        var result = await RunAsync(file, args, timeout, env);
        Assert.True(result.ExitCode == 0, result.Describe());
        return result.Stdout;
    }

    /// <summary>A process's command name, or null when it has exited.</summary>
    public static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The processes below <paramref name="root"/> (children, grandchildren, ...), from /proc.</summary>
    public static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, ...
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    found.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }

        return found;
    }
}
