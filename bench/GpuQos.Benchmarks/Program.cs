using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(GpuQos.Benchmarks.CollectionBenchmarks).Assembly).Run(args);
