using GpuQos.IsolationProbes.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>A kernel with its buffers allocated once, so that a timed run measures the kernel and nothing else.</summary>
internal abstract class VictimKernel : IDisposable
{
    /// <summary>Runs the kernel once and returns its duration.</summary>
    public abstract TimeSpan Run();

    /// <inheritdoc />
    public abstract void Dispose();

    /// <summary>Allocates the buffers for <paramref name="kernel"/>.</summary>
    public static VictimKernel Create(ProbeDevice device, string kernel, long size, int iterations, long cacheBytes) => kernel switch
    {
        "fma" => new FmaKernel(device, size, iterations),
        "triad" => new TriadKernel(device, size),
        "chase" => new ChaseKernel(device, size, iterations),
        "thrash" => new ThrashKernel(device, size, iterations),
        "storm" => new StormKernel(device, size),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "unknown kernel"),
    };

    private sealed class FmaKernel(ProbeDevice device, long size, int iterations) : VictimKernel
    {
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _data = Init(device.Accelerator.Allocate1D<float>(size));

        public override TimeSpan Run() => device.Fma(_data, iterations);

        public override void Dispose() => _data.Dispose();

        private static MemoryBuffer1D<float, Stride1D.Dense> Init(MemoryBuffer1D<float, Stride1D.Dense> b)
        {
            b.MemSetToZero();
            return b;
        }
    }

    private sealed class TriadKernel(ProbeDevice device, long size) : VictimKernel
    {
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _a = device.Accelerator.Allocate1D<float>(size);
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _b = Ones(device, size);
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _c = Ones(device, size);

        public override TimeSpan Run() => device.Triad(_a, _b, _c);

        public override void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
            _c.Dispose();
        }

        private static MemoryBuffer1D<float, Stride1D.Dense> Ones(ProbeDevice device, long size)
        {
            var data = new float[size];
            Array.Fill(data, 1f);
            return device.Accelerator.Allocate1D(data);
        }
    }

    private sealed class ChaseKernel : VictimKernel
    {
        private const int Chasers = 4;
        private readonly ProbeDevice _device;
        private readonly int _steps;
        private readonly MemoryBuffer1D<int, Stride1D.Dense> _next;
        private readonly MemoryBuffer1D<int, Stride1D.Dense> _sink;

        public ChaseKernel(ProbeDevice device, long size, int steps)
        {
            _device = device;
            _steps = steps;
            _next = device.Accelerator.Allocate1D(RandomCycle((int)size, 1234));
            _sink = device.Accelerator.Allocate1D<int>(Chasers);
        }

        public override TimeSpan Run() => _device.Chase(_next, _sink, _steps);

        public override void Dispose()
        {
            _next.Dispose();
            _sink.Dispose();
        }

        /// <summary>A single random cycle through every slot (Sattolo), so the chase visits the whole working set.</summary>
        private static int[] RandomCycle(int n, int seed)
        {
            var order = Enumerable.Range(0, n).ToArray();
            var random = new Random(seed);
            for (var i = n - 1; i > 0; i--)
            {
                var j = random.Next(i);
                (order[i], order[j]) = (order[j], order[i]);
            }

            var next = new int[n];
            for (var i = 0; i < n; i++)
            {
                next[order[i]] = order[(i + 1) % n];
            }

            return next;
        }
    }

    private sealed class ThrashKernel(ProbeDevice device, long size, int sweeps) : VictimKernel
    {
        // 128-byte lines cover both CPU (64 B) and NVIDIA L2 (128 B) line sizes.
        private const int LineInts = 32;
        private readonly MemoryBuffer1D<int, Stride1D.Dense> _data = device.Accelerator.Allocate1D<int>(Math.Max(LineInts, size));

        public override TimeSpan Run() => device.Thrash(_data, LineInts, sweeps);

        public override void Dispose() => _data.Dispose();
    }

    private sealed class StormKernel(ProbeDevice device, long size) : VictimKernel
    {
        private readonly MemoryBuffer1D<long, Stride1D.Dense> _data = device.Accelerator.Allocate1D<long>(Math.Max(1, size / sizeof(long)));
        private long _round;

        public override TimeSpan Run()
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            device.Fill(_data, unchecked(_round++ * -7046029254386353131L));
            return System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }

        public override void Dispose() => _data.Dispose();
    }
}
