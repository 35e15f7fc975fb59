using CsCheck;
using GpuQos.Collectors.Tests.Fuzzing;
using GpuQos.Daemon.Configuration;
using GpuQos.Daemon.Tests.TestSupport;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Tests.Configuration;

/// <summary>
/// Property tests on the daemon configuration (settings, tenants, policies, audit…): mutated versions of the
/// shipped configurations never crash the parser, and every error names a path or a line.
/// </summary>
public sealed class ConfigFuzzTests
{
    private static readonly string[] Seeds = Directory.GetFiles(RepoPaths.Combine("scenarios"), "*-config.yaml")
        .Select(File.ReadAllText).ToArray();

    private static readonly Gen<string> Mutated =
        from seed in Gen.Int[0, Seeds.Length - 1]
        from edits in Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 4], Gen.Char[YamlMutator.Alphabet]).Array[1, 6]
        select YamlMutator.Mutate(Seeds[seed], edits);

    [Fact]
    public void Config_MutatedShippedConfigurations_NeverThrow_AndEveryErrorIsLocated()
    {
        Assert.NotEmpty(Seeds);
        Mutated.Sample(yaml =>
        {
            var (value, errors) = YamlBinder.Bind<GpuQosOptions>(yaml);
            Assert.True(value is not null || errors.Count > 0, "neither a value nor an error");
            Assert.All(errors, e => Assert.True(e.Path.Length > 0 || e.Line is not null, $"error without a path or line: {e}"));
        }, iter: 3000, threads: 1);
    }
}
