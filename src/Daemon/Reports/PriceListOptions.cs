using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Reports;

/// <summary>
/// A <c>--price</c> file: what one GPU-hour costs per GPU model, for showback. Models are named as the
/// <c>gpu_model</c> label spells them (the product name NVML reports).
/// </summary>
public sealed partial class PriceListOptions
{
    /// <summary>Currency shown beside the amounts (ISO code or any short name).</summary>
    [Required]
    [RegularExpression("^[A-Za-z$€£¥]{1,8}$", ErrorMessage = "currency must be 1-8 letters or a currency sign")]
    public string Currency { get; init; } = PriceListOptionsDefaults.Currency;

    /// <summary>Price of one GPU-hour, per GPU model.</summary>
    public Dictionary<string, double> Prices { get; init; } = [];
}
