using GpuQos.Model.Devices;

namespace GpuQos.Collectors.Exposition;

/// <summary>Label values for enums that have no <see cref="ModelNames"/> spelling.</summary>
internal static class Names
{
    public static string ComputeMode(ComputeMode mode) => mode switch
    {
        Model.Devices.ComputeMode.Default => "default",
        Model.Devices.ComputeMode.ExclusiveThread => "exclusive_thread",
        Model.Devices.ComputeMode.Prohibited => "prohibited",
        Model.Devices.ComputeMode.ExclusiveProcess => "exclusive_process",
        _ => "unknown",
    };
}
