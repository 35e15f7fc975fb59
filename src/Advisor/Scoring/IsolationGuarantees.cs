using GpuQos.Advisor.Evidence;
using GpuQos.Model.Devices;

namespace GpuQos.Advisor.Scoring;

/// <summary>
/// How strongly a mode isolates tenants (0 none .. 1 a GPU of one's own), and how an audit of the current mode
/// moves that figure. MIG is not 1: TLB (~31 kbit/s) and PCIe (~6.8 kbit/s) covert channels across MIG are published.
/// </summary>
public static class IsolationGuarantees
{
    /// <summary>TCSEC treats covert channels above this as high bandwidth.</summary>
    public const double HighBandwidthBitsPerSecond = 100;

    /// <summary>What the mode guarantees by construction.</summary>
    public static double Guaranteed(SharingMode mode) => mode switch
    {
        SharingMode.Exclusive => 1.0,
        SharingMode.Mig => 0.9,
        SharingMode.Vgpu => 0.7,
        // MPS memory limits cap capacity, but a fatal fault in one client reaches every client: one fault domain, as time-slicing.
        SharingMode.Mps => 0.1,
        SharingMode.TimeSliced => 0.1,
        _ => 0,
    };

    /// <summary>The guarantee, lowered by what an audit of this very mode found; and the reason, if lowered.</summary>
    public static (double Strength, string? Finding) Measured(SharingMode mode, AuditEvidence? audit)
    {
        var strength = Guaranteed(mode);
        if (audit is null)
        {
            return (strength, null);
        }

        string? finding = null;
        if (audit.ProbesPassed == false)
        {
            strength *= 0.5;
            finding = "the audit found an isolation violation";
        }

        if (audit.CovertChannelBitsPerSecond is > HighBandwidthBitsPerSecond and var bps)
        {
            strength = Math.Min(strength, 0.3);
            finding = (finding is null ? "" : finding + "; ") + $"covert channel at {bps:0} bit/s (> {HighBandwidthBitsPerSecond:0} bit/s)";
        }

        return (strength, finding);
    }
}
