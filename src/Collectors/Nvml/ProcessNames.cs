namespace GpuQos.Collectors.Nvml;

/// <summary>Reads a process's name from <c>PROCROOT/PID/comm</c>; null when the process is not visible there.</summary>
internal sealed class ProcessNames(string procRoot)
{
    public string? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "comm"));
            var name = text.TrimEnd('\n');
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
