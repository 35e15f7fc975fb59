using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GpuQos.IsolationProbes.Kernels;

/// <summary>
/// Checks, inside a probe worker, that the probes can run on its accelerator: on CUDA, that this ILGPU knows a
/// PTX architecture for the device's compute capability and an instruction set the driver accepts; then, on
/// either accelerator, that one small kernel compiles, runs and writes what it should. ILGPU 1.5.1 crashed at
/// once on Hopper (m4rs-mt/ILGPU#1540): run in its own process, so a crash here costs the check, not the audit.
/// </summary>
public static class ProbePreflight
{
    private const int TestElements = 4096;
    private const long TestPattern = 0x5A5A_1234_0F0F_7788;

    /// <summary>The ILGPU version the probes are built with, e.g. <c>1.5.3</c>.</summary>
    public static string IlgpuVersion { get; } = typeof(Context).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>Opens the accelerator <paramref name="choice"/> asks for and checks it. Never throws for a device that cannot run the probes.</summary>
    public static ProbeReadiness Run(AcceleratorChoice choice)
    {
        Context context;
        try
        {
            context = Context.Create(b =>
            {
                if (choice != AcceleratorChoice.Cpu)
                {
                    b.Cuda();
                }

                b.CPU(new CPUDevice(2, 1, 1));
            });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new ProbeReadiness(false, Label(choice), "", null, IlgpuVersion, $"ILGPU could not start: {ex.GetType().Name}: {ex.Message}");
        }

        using (context)
        {
            var cuda = context.GetCudaDevices();
            if (choice != AcceleratorChoice.Cpu && cuda.Count > 0)
            {
                var device = cuda[0];
                var capability = Capability(device.DeviceId);
                var judged = Judge(device.Name, capability, device.Architecture is not null, device.InstructionSet is not null, device.DriverVersion.ToString());
                return judged.Ready ? RunKernel(context, device, judged) : judged;
            }

            if (choice == AcceleratorChoice.Cuda)
            {
                return new ProbeReadiness(false, "cuda", "", null, IlgpuVersion, CudaDriver.MissingMessage());
            }

            var cpu = context.GetCPUDevice(0);
            return RunKernel(context, cpu, new ProbeReadiness(true, "cpu", cpu.Name, null, IlgpuVersion, "ILGPU's CPU accelerator"));
        }
    }

    /// <summary>
    /// Whether ILGPU can compile for a CUDA device, from what it reports. Pure, so every verdict is tested
    /// without the GPU that would give it.
    /// </summary>
    /// <param name="device">The device's name.</param>
    /// <param name="capability">Its compute capability (major, minor), or null when the driver did not say.</param>
    /// <param name="architectureKnown">ILGPU has a PTX architecture for the capability (<c>CudaDevice.Architecture</c>).</param>
    /// <param name="instructionSetKnown">ILGPU found a PTX ISA the driver accepts (<c>CudaDevice.InstructionSet</c>).</param>
    /// <param name="driver">The CUDA driver version.</param>
    public static ProbeReadiness Judge(string device, (int Major, int Minor)? capability, bool architectureKnown, bool instructionSetKnown, string driver)
    {
        var cc = capability is { } c ? $"{c.Major}.{c.Minor}" : null;
        var sm = capability is { } s ? $"sm_{s.Major}{s.Minor}" : "this device";
        if (!architectureKnown)
        {
            return new ProbeReadiness(false, "cuda", device, cc, IlgpuVersion,
                $"ILGPU {IlgpuVersion} cannot compile for {sm}: it knows no PTX architecture for compute capability {cc ?? "(unreadable)"}; a newer ILGPU is needed");
        }

        if (!instructionSetKnown)
        {
            return new ProbeReadiness(false, "cuda", device, cc, IlgpuVersion,
                $"CUDA driver {driver} accepts no PTX instruction set that ILGPU {IlgpuVersion} emits for {sm}; update the driver");
        }

        return new ProbeReadiness(true, "cuda", device, cc, IlgpuVersion, $"ILGPU {IlgpuVersion} compiles for {sm} on CUDA driver {driver}");
    }

    private static (int Major, int Minor)? Capability(int deviceId)
    {
        try
        {
            return CudaAPI.CurrentAPI.GetDeviceComputeCapability(out var major, out var minor, deviceId) == CudaError.CUDA_SUCCESS
                ? (major, minor)
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static ProbeReadiness RunKernel(Context context, Device device, ProbeReadiness judged)
    {
        try
        {
            using var accelerator = device.CreateAccelerator(context);
            var fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, long, int>(ProbeKernels.Fill);
            using var buffer = accelerator.Allocate1D<long>(TestElements);
            fill(TestElements, buffer.View, TestPattern, TestElements);
            accelerator.Synchronize();
            var values = buffer.GetAsArray1D();
            for (var k = 0; k < values.Length; k++)
            {
                if (values[k] != (TestPattern ^ k))
                {
                    return judged with { Ready = false, Detail = $"a test kernel ran but word {k} holds {values[k]:x}, not {TestPattern ^ k:x}" };
                }
            }

            return judged with { Detail = judged.Detail + $"; a test kernel compiled and ran ({TestElements} words checked)" };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return judged with { Ready = false, Detail = $"compiling or running a test kernel failed: {ex.GetType().Name}: {ex.Message}" };
        }
    }

    private static string Label(AcceleratorChoice choice) => choice == AcceleratorChoice.Cpu ? "cpu" : "cuda";
}
