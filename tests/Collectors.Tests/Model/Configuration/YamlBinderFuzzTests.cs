using CsCheck;
using GpuQos.Backends.Simulation;
using GpuQos.Collectors.Tests.Fuzzing;
using GpuQos.Model.Configuration;

namespace GpuQos.Collectors.Tests.Model.Configuration;

/// <summary>
/// Property tests on the configuration and scenario parser: for random and mutated inputs it never throws,
/// and every error it reports names a path or a line and says something.
/// </summary>
public sealed class YamlBinderFuzzTests
{
    private const long Iterations = 2000;

    private static readonly string[] Seeds =
    [
        ScenarioLoader.DemoYaml(),
        """
        gpus:
          - model: A100-SXM4-40GB
            mode: mig
            mig: [{profile: 3g.20gb, start: 4}, {profile: 2g.10gb}]
          - model: L40S-48GB
            mode: vgpu
            vgpu: {scheduler: equal-share, instances: [{vm: a, type: L40S-12Q, framebuffer: 12GiB}]}
        """,
    ];

    /// <summary>A seed document with a handful of random edits: deletions, insertions of YAML punctuation, swaps.</summary>
    private static readonly Gen<string> Mutated =
        from seed in Gen.Int[0, Seeds.Length - 1]
        from edits in Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 5], Gen.Char[YamlMutator.Alphabet]).Array[1, 8]
        select YamlMutator.Mutate(Seeds[seed], edits);

    [Fact]
    public void Scenario_MutatedDocuments_NeverThrow_AndEveryErrorIsLocated() =>
        Mutated.Sample(CheckScenario, iter: Iterations, threads: 1);

    [Fact]
    public void Scenario_RandomText_NeverThrows() =>
        Gen.String[Gen.Char["abc:{}[]-,\n 0123456789'\"&*!|>"], 0, 300].Sample(CheckScenario, iter: Iterations, threads: 1);

    /// <summary>Inputs the fuzzer found that once crashed the binder; kept so they stay fixed.</summary>
    [Theory]
    [InlineData("~")]
    [InlineData("gpus: ~")]
    [InlineData("gpus:\n  - ~")]
    [InlineData("gpus:\n  - model: A10-24GB\n    demand:\n")]
    [InlineData("name: [unclosed\nitems: {")]
    [InlineData("gpus:\n  : model: A100-SXM4-40GB\n  - model: A10    mig: [{profile: 3g.20gb, start: 4}, {profile: 2g.10gb}]")]
    [InlineData(" : cc!a>:4b&9,c3-2[>*24-\"-5b9[2*20961b5'1cab]-}0'b {0{1[6\"0!\n7'&&[&0{&-6:5-c}7\"4")]
    public void Scenario_FoundByFuzzing_IsAnErrorNotACrash(string yaml)
    {
        var (value, errors) = YamlBinder.Bind<ScenarioOptions>(yaml);
        Assert.True(errors.Count > 0, $"no error for {yaml}; bound {value}");
        CheckScenario(yaml);
    }

    private static void CheckScenario(string yaml)
    {
        var (value, errors) = YamlBinder.Bind<ScenarioOptions>(yaml);
        Assert.True(value is not null || errors.Count > 0, "neither a value nor an error");
        foreach (var e in errors)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            Assert.True(e.Path.Length > 0 || e.Line is not null, $"error without a path or line: {e}");
        }

        // A document that binds without errors must also build a host that can be read.
        if (errors.Count == 0 && value is not null)
        {
            using var backend = new SimulatedBackend(value, TimeProvider.System);
            foreach (var gpu in backend.Gpus)
            {
                _ = backend.ReadProcesses(gpu.Index);
            }
        }
    }
}
