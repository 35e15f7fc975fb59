using System.CommandLine;
using System.Globalization;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// The <c>gpuqos-probe</c> command line: one isolation-probe worker, started by the audit coordinator of
/// <c>gpuqos</c>, bound to one partition, speaking line-delimited JSON on stdin/stdout (<see cref="WorkerProtocol"/>).
/// With <c>--preflight</c> it checks its accelerator instead, prints one verdict line and exits.
/// </summary>
internal static class ProbeWorkerCommand
{
    /// <summary>Exit code: the worker ran, or the preflight found the accelerator ready.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the preflight found the accelerator not ready.</summary>
    public const int NotReady = 1;

    /// <summary>Exit code: bad arguments, or the worker could not bind or open its accelerator.</summary>
    public const int Error = 2;

    /// <summary>Parses and runs.</summary>
    public static Task<int> InvokeAsync(string[] args) => Create().Parse(args).InvokeAsync();

    /// <summary>The root command (<c>--help</c> and <c>--version</c> come with it).</summary>
    public static RootCommand Create()
    {
        var accelerator = new Option<string>("--accelerator") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "cpu" }
            .AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var cores = new Option<string?>("--cores") { Description = "Cores to pin to, e.g. 0,1 (CPU accelerator)." };
        var memoryLimit = new Option<long?>("--memory-limit") { Description = "Address space the worker may add, in bytes (RLIMIT_AS)." };
        var preflight = new Option<bool>(WorkerPreflight.Flag) { Description = "Check that the accelerator can run the probes, print the verdict as one JSON line and exit (0 ready, 1 not)." };
        var command = new RootCommand("""
            gpuqos-probe: one isolation-probe worker (ILGPU kernels), started by gpuqos audit and the daemon's
            scheduled audits, one per partition. It reads one JSON request per line on stdin and answers one JSON
            line each on stdout. Not meant to be run by hand, except --preflight, --help and --version.
            """)
        {
            accelerator, cores, memoryLimit, preflight,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryParseCores(parse.GetValue(cores), out var list, out var error))
            {
                await Console.Error.WriteLineAsync($"gpuqos-probe: --cores: {error}");
                return Error;
            }

            var choice = parse.GetValue(accelerator) switch
            {
                "cuda" => AcceleratorChoice.Cuda,
                "auto" => AcceleratorChoice.Auto,
                _ => AcceleratorChoice.Cpu,
            };
            if (parse.GetValue(preflight))
            {
                var readiness = ProbePreflight.Run(choice);
                await Console.Out.WriteLineAsync(WorkerProtocol.Write(readiness));
                return readiness.Ready ? Ok : NotReady;
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
