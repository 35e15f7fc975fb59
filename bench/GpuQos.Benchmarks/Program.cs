using BenchmarkDotNet.Running;
using GpuQos.Benchmarks;

// `load` and `footprint` are whole-process measurements and `history` the snapshot history's retained memory
// (docs/performance.md); everything else goes to
// BenchmarkDotNet, e.g. `--filter *Collection*`.
return args.FirstOrDefault() switch
{
    "load" => await LoadTest.RunAsync(args[1..]),
    "footprint" => await Footprint.RunAsync(args[1..]),
    "history" => HistoryFootprint.Run(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(CollectionBenchmarks).Assembly).Run(args);
    return 0;
}
