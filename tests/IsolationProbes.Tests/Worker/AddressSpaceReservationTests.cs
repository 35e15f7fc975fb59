using GpuQos.IsolationProbes.Worker;

namespace GpuQos.IsolationProbes.Tests.Worker;

/// <summary>The capacity probe's held-back step: address space that counts against RLIMIT_AS until it is given back.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AddressSpaceReservationTests
{
    // Large beside anything the test host maps or unmaps meanwhile on other threads, so the deltas are its own
    // within the slack, both ways: a clean CI run saw VmSize grow by 8 MiB less than the reservation (a thread's
    // stack or a GC region given back between the two reads).
    private const long Reserved = 8L << 30;
    private const long Slack = 1L << 30;

    [Fact]
    public void Reserve_CountsInVmSizeUntilDisposed_AndASecondDisposeDoesNothing()
    {
        var before = PosixBinding.CurrentAddressSpaceBytes();
        var reservation = PosixBinding.ReserveAddressSpace(Reserved);
        Assert.NotNull(reservation);
        var during = PosixBinding.CurrentAddressSpaceBytes();

        reservation.Dispose();
        var after = PosixBinding.CurrentAddressSpaceBytes();
        reservation.Dispose();

        Assert.Equal(Reserved, reservation.Bytes);
        Assert.InRange(during - before, Reserved - Slack, Reserved + Slack);
        Assert.InRange(during - after, Reserved - Slack, Reserved + Slack);
    }

    [Fact]
    public void Reserve_MoreThanTheAddressSpaceHolds_IsNull()
    {
        // 2^62 bytes: beyond any x86-64 or arm64 user address space, so mmap refuses it.
        Assert.Null(PosixBinding.ReserveAddressSpace(1L << 62));
    }
}
