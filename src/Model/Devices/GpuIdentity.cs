namespace GpuQos.Model.Devices;

/// <summary>What identifies a GPU. Read once at discovery; it does not change while the GPU is present.</summary>
/// <param name="Index">NVML index (the <c>gpu</c> label).</param>
/// <param name="Uuid">GPU UUID, <c>GPU-…</c> (the <c>uuid</c> label).</param>
/// <param name="Name">Product name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</param>
/// <param name="PciBusId">PCI bus ID, e.g. <c>00000000:17:00.0</c>.</param>
/// <param name="Serial">Board serial, where the board has one.</param>
/// <param name="MinorNumber">The <c>/dev/nvidiaN</c> minor number, where known.</param>
public sealed record GpuIdentity(int Index, string Uuid, string Name, string PciBusId, string? Serial = null, int? MinorNumber = null)
{
    /// <summary>The index as the <c>gpu</c> label value.</summary>
    public string IndexLabel { get; } = Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
