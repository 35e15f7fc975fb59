using System.Diagnostics;
using GpuQos.Backends.Nvml;
using GpuQos.Model.Devices;
using GpuQos.Model.Procfs;

namespace GpuQos.Collectors.Tests.Backends.Nvml;

/// <summary>
/// Issue #26: the MPS server is known by <c>/proc/PID/exe</c>. Its <c>comm</c> is cut to 15 characters
/// (<c>nvidia-cuda-mps</c>), so the name comparison never matched on a real host: the GPU was never seen in
/// MPS mode and MPS control never found its server. Here a real process runs a root-owned copy of sleep named
/// <c>nvidia-cuda-mps-server</c> beside a client, both reported by the NVML stand-in with their real PIDs.
/// </summary>
[Collection(NvmlStubCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MpsServerIdentityTests(NvmlStubHost stub) : IDisposable
{
    // Literals, not ProcessExecutable's constants: the names are the contract with the NVIDIA binaries.
    private const string MpsServer = "nvidia-cuda-mps-server";
    private const string MpsServerComm = "nvidia-cuda-mps";

    private readonly DirectoryInfo _bin = Directory.CreateTempSubdirectory("gpuqos-mps-bin-");

    [Fact]
    public void ReadProcesses_ServerKnownByItsExecutable_GpuInMpsModeAndServerNamedInFull()
    {
        using var server = Start(Copy(MpsServer));
        using var client = Start("/bin/sleep");
        try
        {
            Assert.Equal(MpsServerComm, File.ReadAllText($"/proc/{server.Id}/comm").TrimEnd('\n'));
            var fixture = Path.Combine(stub.WorkDir, Guid.NewGuid().ToString("N") + ".fixture");
            File.WriteAllLines(fixture,
            [
                "gpu uuid=GPU-mps name=\"NVIDIA A10\" memory=24576",
                $"process gpu=0 pid={server.Id} name=unused memory=100 real=1",
                $"process gpu=0 pid={client.Id} name=unused memory=100 real=1",
            ]);
            using var backend = stub.Open(fixture, options: new NvmlBackendOptions { ProcRoot = "/proc" });

            Assert.Equal(SharingMode.Mps, backend.ReadDevice(0).Mode);
            var readings = backend.ReadProcesses(0);
            Assert.Equal(MpsServer, readings.Single(r => r.Pid == server.Id).Name);
            Assert.Equal("sleep", readings.Single(r => r.Pid == client.Id).Name);
        }
        finally
        {
            server.Kill();
            client.Kill();
        }
    }

    [Fact]
    public void IsMpsServer_ByExecutableNotComm_AndOnlyARootOwnedUnwritableOne()
    {
        var path = Copy(ProcessExecutable.MpsServer);
        using var server = Start(path);
        using var impostor = Start(Copy("nvidia-cuda-mps-impostor")); // the same comm, another executable
        try
        {
            Assert.True(ProcessExecutable.IsMpsServer(server.Id));
            Assert.False(ProcessExecutable.IsMpsServer(impostor.Id));
            Assert.Equal(File.ReadAllText($"/proc/{server.Id}/comm"), File.ReadAllText($"/proc/{impostor.Id}/comm"));

            // A copy anyone may write (or, for a user who is not root, one they own) is not the server.
            File.SetUnixFileMode(path, (UnixFileMode)0x1FF); // 0777
            Assert.False(ProcessExecutable.IsMpsServer(server.Id));
        }
        finally
        {
            server.Kill();
            impostor.Kill();
        }
    }

    public void Dispose() => _bin.Delete(recursive: true);

    private string Copy(string name)
    {
        var path = Path.Combine(_bin.FullName, name);
        File.Copy("/bin/sleep", path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED); // 0755
        return path;
    }

    private static Process Start(string path) =>
        Process.Start(new ProcessStartInfo(path, ["600"]) { UseShellExecute = false }) ?? throw new InvalidOperationException($"could not start {path}");
}
