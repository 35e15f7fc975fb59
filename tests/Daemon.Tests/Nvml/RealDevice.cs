namespace GpuQos.Daemon.Tests.Nvml;

/// <summary>
/// What a real-device dump under <c>tests/NvmlStub/fixtures/real</c> holds, transcribed by hand from the dump
/// (not from the fixture the conversion script made of it), in the dump's units: MiB, W, MHz, °C, %, KB/s.
/// </summary>
internal sealed record RealDevice(
    string Fixture,
    string Name,
    string Uuid,
    string PciBusId,
    double TotalMiB,
    double ReservedMiB,
    double UsedMiB,
    double TemperatureC,
    double PowerW,
    double PowerLimitW,
    double SmMHz,
    double SmMaxMHz,
    double MemoryMHz,
    (double Gpu, double Memory)? Utilization,
    double PcieTxKBs,
    double PcieRxKBs,
    RealMigDevice[] Mig,
    RealProcess[] Processes);

/// <summary>A MIG device of a dump: its instances, SMs and memory.</summary>
internal sealed record RealMigDevice(int GpuInstance, int ComputeInstance, int Sms, double TotalMiB, double UsedMiB);

/// <summary>A process of a dump; <c>GpuInstance</c> is null outside MIG.</summary>
internal sealed record RealProcess(int Pid, string Name, double UsedMiB, int? GpuInstance, int? ComputeInstance);
