namespace GpuQos.Daemon.Tests.TestSupport;

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates the directory.</summary>
    /// <param name="trusted">
    /// Where an action journal may be replayed from: mode 0700 under the test's output directory rather than
    /// under /tmp, whose sticky, world-writable mode makes the daemon refuse every journal below it.
    /// </param>
    public TempDir(bool trusted = false)
    {
        if (trusted)
        {
            var parent = System.IO.Path.Combine(AppContext.BaseDirectory, "trusted-scratch");
            Directory.CreateDirectory(parent);
            Path = Directory.CreateDirectory(System.IO.Path.Combine(parent, "gpuqos-test-" + Guid.NewGuid().ToString("N")[..12])).FullName;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        else
        {
            Path = Directory.CreateTempSubdirectory("gpuqos-test-").FullName;
        }
    }

    public string Path { get; }

    /// <summary>Writes a file into the directory and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file; the OS cleans temp eventually.
        }
    }
}
