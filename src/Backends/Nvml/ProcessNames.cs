using GpuQos.Model.Procfs;

namespace GpuQos.Backends.Nvml;

/// <summary>
/// Reads a process's name from <c>PROCROOT/PID/comm</c>; null when the process is not visible there. The MPS
/// server, whose <c>comm</c> is cut to <c>nvidia-cuda-mps</c>, is named in full when its executable says it
/// is the server (<see cref="ProcessExecutable.IsMpsServer"/>), so the sharing mode, MPS control and the advisor
/// all recognise it.
/// </summary>
internal sealed class ProcessNames(string procRoot)
{
    public string? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "comm"));
            var name = text.TrimEnd('\n');
            if (name == ProcessExecutable.MpsServerComm && ProcessExecutable.IsMpsServer(pid, procRoot))
            {
                return ProcessExecutable.MpsServer;
            }

            return name.Length > 0 ? name : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
