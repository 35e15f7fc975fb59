using System.Diagnostics;
using System.Globalization;
using GpuQos.IsolationProbes.Audit;
using GpuQos.IsolationProbes.Kernels;

namespace GpuQos.IsolationProbes.Worker;

/// <summary>
/// Runs the preflight in a probe worker of its own (<c>gpuqos-probe --preflight</c>), bound to
/// the partition as a real worker would be, so that a crash in the CUDA driver or in ILGPU's compiler is a
/// failed check with the worker's last words, not a dead audit or daemon.
/// </summary>
public sealed class WorkerPreflight(WorkerLaunch launch, TimeSpan timeout) : IAcceleratorPreflight
{
    /// <summary>The flag that makes a worker check its accelerator, print one <see cref="ProbeReadiness"/> line and exit.</summary>
    public const string Flag = "--preflight";

    /// <inheritdoc />
    public async Task<ProbeReadiness> CheckAsync(AuditPartition partition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var accelerator = partition.Accelerator == AcceleratorChoice.Cuda ? "cuda" : "cpu";
        var psi = launch.StartInfo(partition, limitMemory: false);
        psi.RedirectStandardInput = false;
        psi.ArgumentList.Add(Flag);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned nothing");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return Failed(accelerator, $"could not start a probe worker ({launch.FileName}): {ex.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return Failed(accelerator, $"the probe worker's preflight did not finish within {timeout.TotalSeconds:0.#} s and was killed");
            }

            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var readiness = lines.Length > 0 ? WorkerProtocol.TryReadReadiness(lines[^1]) : null;
            if (readiness is not null)
            {
                return readiness;
            }

            // No verdict: the worker died (a signal shows as 128 + its number) or printed something else.
            var tail = (await stderr).Trim();
            tail = tail.Length > 600 ? tail[^600..] : tail;
            var code = process.ExitCode.ToString(CultureInfo.InvariantCulture);
            return Failed(accelerator, $"the probe worker exited (code {code}) before it could say whether {accelerator} works{(tail.Length > 0 ? ": " + tail : "")}");
        }
    }

    // The coordinator has no ILGPU to ask: a worker that never answered leaves its version unknown.
    private static ProbeReadiness Failed(string accelerator, string detail) => new(false, accelerator, "", null, "unknown", detail);
}
