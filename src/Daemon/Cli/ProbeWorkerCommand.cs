using System.CommandLine;
using System.Globalization;
using GpuQos.IsolationProbes.Kernels;
using GpuQos.IsolationProbes.Worker;

namespace GpuQos.Daemon.Cli;

/// <summary>
/// <c>gpuqos probe-worker</c>: internal. One isolation-probe worker, started by the audit coordinator, bound
/// to one partition, speaking line-delimited JSON on stdin/stdout. Hidden from help.
/// </summary>
internal static class ProbeWorkerCommand
{
    public static Command Create()
    {
        var accelerator = new Option<string>("--accelerator") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "cpu" }
            .AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var cores = new Option<string?>("--cores") { Description = "Cores to pin to, e.g. 0,1 (CPU accelerator)." };
        var memoryLimit = new Option<long?>("--memory-limit") { Description = "Address space the worker may add, in bytes (RLIMIT_AS)." };
        var preflight = new Option<bool>(WorkerPreflight.Flag) { Description = "Check that the accelerator can run the probes, print the verdict as one JSON line and exit (0 ready, 1 not)." };
        var command = new Command(WorkerLaunch.Verb, "Internal: an isolation-probe worker (started by gpuqos audit).")
        {
            accelerator, cores, memoryLimit, preflight,
        };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            if (!TryParseCores(parse.GetValue(cores), out var list, out var error))
            {
                await Console.Error.WriteLineAsync($"probe-worker: --cores: {error}");
                return ExitCodes.Error;
            }

            var choice = AuditCommand.ParseAccelerator(parse.GetValue(accelerator)) ?? AcceleratorChoice.Cpu;
            if (parse.GetValue(preflight))
            {
                var readiness = ProbePreflight.Run(choice);
                await Console.Out.WriteLineAsync(WorkerProtocol.Write(readiness));
                return readiness.Ready ? ExitCodes.Ok : ExitCodes.Failed;
            }

            return await ProbeWorkerHost.RunAsync(choice, list, parse.GetValue(memoryLimit), Console.In, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Parses <c>0,1,3</c>.</summary>
    public static bool TryParseCores(string? text, out IReadOnlyList<int> cores, out string? error)
    {
        cores = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var core) || core > 1023)
            {
                error = $"'{part}' is not a core number (0..1023)";
                return false;
            }

            list.Add(core);
        }

        cores = list;
        return true;
    }
}
