using BenchmarkDotNet.Running;
using GpuQos.Benchmarks;

// `load` and `footprint` are whole-process measurements, `latency-loop` the CPU closed loop of a latency policy (`latency-scrapes` one question about its rig), `history` and `retained` the managed memory the
// snapshot history and the whole cycle keep (docs/performance.md); everything else goes to BenchmarkDotNet,
// e.g. `--filter *Collection*`.
return args.FirstOrDefault() switch
{
    "load" => await LoadTest.RunAsync(args[1..]),
    "footprint" => await Footprint.RunAsync(args[1..]),
    "history" => HistoryFootprint.Run(args[1..]),
    "retained" => SteadyStateFootprint.Run(args[1..]),
    "latency-loop" => await LatencyLoopBench.RunAsync(args[1..]),
    "latency-scrapes" => await LatencyScrapeBench.RunAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(CollectionBenchmarks).Assembly).Run(args);
    return 0;
}
