using GpuQos.Model.Backends;

namespace GpuQos.Enforcer.Tests.TestSupport;

/// <summary>
/// The MPS control stand-in (tests/MpsControlStub) with a pipe directory of its own: a copy of the script the
/// daemon may run (root-owned, not writable by group or others, as the daemon requires) and the state files that
/// describe which servers run and whom they serve.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class MpsStand : IDisposable
{
    public MpsStand()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("gpuqos-mps-");
        PipeDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory.FullName, "pipe")).FullName;
        Binary = Path.Combine(Directory.FullName, "nvidia-cuda-mps-control");
        File.Copy(Path.Combine(RepoRoot(), "tests", "MpsControlStub", "nvidia-cuda-mps-control"), Binary);
        File.SetUnixFileMode(Binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public DirectoryInfo Directory { get; }

    public string PipeDirectory { get; }

    public string Binary { get; }

    public MpsControl Control => new(Binary, PipeDirectory, TimeSpan.FromSeconds(10));

    /// <summary>Declares a running server (PID, UID) and its clients.</summary>
    public void Server(int pid, int uid, params int[] clients)
    {
        File.AppendAllText(Path.Combine(PipeDirectory, "servers"), $"{pid} {uid}\n");
        File.WriteAllLines(Path.Combine(PipeDirectory, $"clients.{pid}"), clients.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A state file's content (a setting), or null when it was never set.</summary>
    public string? State(string name) => File.Exists(Path.Combine(PipeDirectory, name)) ? File.ReadAllText(Path.Combine(PipeDirectory, name)).Trim() : null;

    public void SetState(string name, string value) => File.WriteAllText(Path.Combine(PipeDirectory, name), value + "\n");

    /// <summary>Every command the stand-in received.</summary>
    public IReadOnlyList<string> Commands => State("commands.log")?.Split('\n') ?? [];

    public void Dispose() => Directory.Delete(recursive: true);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GpuQos.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (GpuQos.sln) is not above the test binaries");
    }
}
