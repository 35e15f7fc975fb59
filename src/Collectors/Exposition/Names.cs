using GpuQos.Collectors.Model;

namespace GpuQos.Collectors.Exposition;

/// <summary>Label values for enums that have no <see cref="ModelNames"/> spelling.</summary>
internal static class Names
{
    public static string ComputeMode(ComputeMode mode) => mode switch
    {
        Model.ComputeMode.Default => "default",
        Model.ComputeMode.ExclusiveThread => "exclusive_thread",
        Model.ComputeMode.Prohibited => "prohibited",
        Model.ComputeMode.ExclusiveProcess => "exclusive_process",
        _ => "unknown",
    };
}
