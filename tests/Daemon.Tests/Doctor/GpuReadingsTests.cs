using GpuQos.Collectors.Collection;
using GpuQos.Daemon.Doctor;
using GpuQos.Model.Backends;
using GpuQos.Model.Devices;

namespace GpuQos.Daemon.Tests.Doctor;

/// <summary>The doctor's readings over a backend that refuses one call once, as NVML does with NO_PERMISSION.</summary>
public sealed class GpuReadingsTests
{
    [Fact]
    public void Take_ReadRefusedOnce_RetriedPastItAndTheErrorCountedOnce()
    {
        var backend = new RefusingOnce();
        var errors = new BackendErrorCounter();

        var readings = GpuReadings.Take(backend, 0, errors);

        Assert.Equal(2, backend.DeviceReads); // refused, then read without the refused call
        Assert.Equal(SharingMode.TimeSliced, readings.Device?.Mode);
        Assert.Equal([4101], readings.Processes.Select(p => p.Pid));
        Assert.Equal(1, errors.Counts.Single(c => c.Key == ("nvmlDeviceGetTemperatureV", "NO_PERMISSION")).Value);
        Assert.All(readings.Checks, c => Assert.Equal(DoctorStatus.Ok, c.Status));
    }

    [Fact]
    public void Take_ReadFailingEveryTime_StopsAfterTheSecondSameErrorAndFailsThatRead()
    {
        var backend = new RefusingOnce { Always = true };

        var readings = GpuReadings.Take(backend, 0, null);

        Assert.Equal(2, backend.DeviceReads);
        var device = readings.Checks.Single(c => c.Feature == "read-device");
        Assert.Equal((DoctorStatus.Failed, "NO_PERMISSION"), (device.Status, device.Result));
    }

    private sealed class RefusingOnce : IGpuBackend
    {
        public bool Always { get; init; }

        public int DeviceReads { get; private set; }

        public string Name => "test";

        public IGpuControl Control => throw new NotSupportedException();

        public IReadOnlyList<GpuIdentity> Gpus { get; } = [new GpuIdentity(0, "GPU-0", "test GPU", "00000000:00:00.0")];

        public DeviceReading ReadDevice(int gpu)
        {
            DeviceReads++;
            if (DeviceReads == 1 || Always)
            {
                throw new GpuBackendException("nvmlDeviceGetTemperatureV", "NO_PERMISSION", gpu, "refused");
            }

            return new DeviceReading { Mode = SharingMode.TimeSliced, MemoryTotalBytes = 1, MemoryUsedBytes = 0 };
        }

        public HealthReading ReadHealth(int gpu) => new();

        public IReadOnlyList<PartitionReading> ReadPartitions(int gpu) => [];

        public IReadOnlyList<ProcessReading> ReadProcesses(int gpu) => [new ProcessReading { Pid = 4101, Name = "python3", PartitionId = "whole" }];

        public void Dispose()
        {
        }
    }
}
