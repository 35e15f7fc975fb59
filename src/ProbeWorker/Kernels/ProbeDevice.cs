using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GpuQos.IsolationProbes.Kernels;

/// <summary>
/// One ILGPU accelerator in a probe worker, with the probe kernels loaded. Timings use ILGPU profiling
/// markers (CUDA events) on a GPU and the monotonic clock on the CPU, where markers add nothing.
/// </summary>
internal sealed class ProbeDevice : IDisposable
{
    private readonly Context _context;
    private readonly Action<Index1D, ArrayView<float>, int> _fma;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int> _triad;
    private readonly Action<Index1D, ArrayView<int>, int, int, int> _thrash;
    private readonly Action<Index1D, ArrayView<int>, ArrayView<int>, int> _chase;
    private readonly Action<Index1D, ArrayView<long>, long, int> _fill;
    private readonly Action<Index1D, ArrayView<long>, long, ArrayView<int>, int> _countCanary;
    private readonly Action<Index1D, ArrayView<long>, long, ArrayView<int>, int> _countMismatches;

    private ProbeDevice(Context context, Accelerator accelerator, string? note)
    {
        _context = context;
        Accelerator = accelerator;
        Note = note;
        _fma = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int>(ProbeKernels.FmaChain);
        _triad = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int>(ProbeKernels.Triad);
        _thrash = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, int, int, int>(ProbeKernels.Thrash);
        _chase = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<int>, int>(ProbeKernels.PointerChase);
        _fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, long, int>(ProbeKernels.Fill);
        _countCanary = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, long, ArrayView<int>, int>(ProbeKernels.CountCanary);
        _countMismatches = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, long, ArrayView<int>, int>(ProbeKernels.CountMismatches);
    }

    /// <summary>The accelerator the kernels run on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>True on ILGPU's CPU accelerator.</summary>
    public bool IsCpu => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>Why the worker is not where it was asked to be (e.g. libcuda is missing), or null.</summary>
    public string? Note { get; }

    /// <summary>
    /// Opens the accelerator. <paramref name="cpuThreads"/> sizes the CPU accelerator to the partition's
    /// cores. ILGPU swallows CUDA enumeration errors, so a missing libcuda would silently leave only the
    /// CPU: <see cref="AcceleratorChoice.Cuda"/> then throws, and <see cref="AcceleratorChoice.Auto"/> notes it.
    /// </summary>
    public static ProbeDevice Open(AcceleratorChoice choice, int cpuThreads)
    {
        var threads = Math.Max(1, cpuThreads);
        var context = Context.Create(b =>
        {
            b.Profiling();
            if (choice != AcceleratorChoice.Cpu)
            {
                b.Cuda();
            }

            // Two threads per core: one thread per core can leave a core idle while the other waits at a barrier.
            b.CPU(new CPUDevice(2, 1, threads));
        });
        try
        {
            var cuda = context.GetCudaDevices();
            if (choice != AcceleratorChoice.Cpu && cuda.Count > 0)
            {
                return new ProbeDevice(context, cuda[0].CreateAccelerator(context), null);
            }

            if (choice == AcceleratorChoice.Cuda)
            {
                throw new InvalidOperationException(CudaDriver.MissingMessage());
            }

            var note = choice == AcceleratorChoice.Auto ? CudaDriver.MissingMessage() + "; running on the CPU accelerator" : null;
            return new ProbeDevice(context, context.GetCPUDevice(0).CreateAccelerator(context), note);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }


    /// <summary>Runs the compute victim/aggressor once over <paramref name="buffer"/>; returns its duration.</summary>
    public TimeSpan Fma(MemoryBuffer1D<float, Stride1D.Dense> buffer, int iterations) =>
        Timed(() => _fma((int)buffer.Length, buffer.View, iterations));

    /// <summary>Runs one STREAM triad over the three buffers; returns its duration.</summary>
    public TimeSpan Triad(MemoryBuffer1D<float, Stride1D.Dense> a, MemoryBuffer1D<float, Stride1D.Dense> b, MemoryBuffer1D<float, Stride1D.Dense> c) =>
        Timed(() => _triad(Threads(a.Length), a.View, b.View, c.View, 3.0f, Threads(a.Length)));

    /// <summary>Runs one thrash sweep set; returns its duration.</summary>
    public TimeSpan Thrash(MemoryBuffer1D<int, Stride1D.Dense> data, int lineInts, int sweeps) =>
        Timed(() => _thrash(Threads(data.Length / lineInts), data.View, lineInts, sweeps, Threads(data.Length / lineInts)));

    /// <summary>Runs the pointer chase with one chain per element of the sink; returns its duration.</summary>
    public TimeSpan Chase(MemoryBuffer1D<int, Stride1D.Dense> next, MemoryBuffer1D<int, Stride1D.Dense> sink, int steps) =>
        Timed(() => _chase((int)sink.Length, next.View, sink.View, steps));

    /// <summary>Fills memory with a pattern.</summary>
    public void Fill(MemoryBuffer1D<long, Stride1D.Dense> data, long pattern)
    {
        _fill(Threads(data.Length), data.View, pattern, Threads(data.Length));
        Accelerator.Synchronize();
    }

    /// <summary>Counts words in <paramref name="data"/> that hold the canary.</summary>
    public int CountCanary(MemoryBuffer1D<long, Stride1D.Dense> data, long pattern) => Count(_countCanary, data, pattern);

    /// <summary>Counts words in <paramref name="data"/> that no longer hold the pattern.</summary>
    public int CountMismatches(MemoryBuffer1D<long, Stride1D.Dense> data, long pattern) => Count(_countMismatches, data, pattern);

    /// <inheritdoc />
    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }

    private int Count(Action<Index1D, ArrayView<long>, long, ArrayView<int>, int> kernel, MemoryBuffer1D<long, Stride1D.Dense> data, long pattern)
    {
        using var counter = Accelerator.Allocate1D<int>(1);
        counter.MemSetToZero();
        kernel(Threads(data.Length), data.View, pattern, counter.View, Threads(data.Length));
        Accelerator.Synchronize();
        return counter.GetAsArray1D()[0];
    }

    /// <summary>
    /// Threads to launch for a grid-stride kernel over <paramref name="elements"/>: enough to fill a GPU, and
    /// few on the CPU accelerator, where each group costs a barrier between real threads.
    /// </summary>
    private int Threads(long elements) => (int)Math.Max(1, Math.Min(elements, IsCpu ? 256 : 1 << 22));

    private TimeSpan Timed(Action launch)
    {
        if (IsCpu)
        {
            var started = Stopwatch.GetTimestamp();
            launch();
            Accelerator.Synchronize();
            return Stopwatch.GetElapsedTime(started);
        }

        using var start = Accelerator.AddProfilingMarker();
        launch();
        using var end = Accelerator.AddProfilingMarker();
        Accelerator.Synchronize();
        return end.MeasureFrom(start);
    }
}
