using System.ComponentModel.DataAnnotations;
using GpuQos.Backends.Simulation;
using GpuQos.Model.Configuration;

namespace GpuQos.Collectors.Tests.Model.Configuration;

public sealed class YamlBinderTests
{
    [Fact]
    public void Bind_ReportsEveryErrorWithItsPathAndLine_NotJustTheFirst()
    {
        var (_, errors) = YamlBinder.Bind<Root>("""
            name: ok
            items:
              - min: 0.5
              - min: lots
              - {min: 7, max: 9}
            color: purple
            timeout: soon
            extra: 1
            """);

        Assert.Contains(errors, e => e.Path == "items[1].min" && e.Message.Contains("expected a number, got 'lots'", StringComparison.Ordinal) && e.Line == 4);
        Assert.Contains(errors, e => e.Path == "items[2].min" && e.Message.Contains("between 0 and 1", StringComparison.Ordinal) && e.Line == 5);
        Assert.Contains(errors, e => e.Path == "color" && e.Message.Contains("red, green", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "timeout" && e.Message.Contains("duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "extra" && e.Message.Contains("unknown key 'extra'", StringComparison.Ordinal));
        Assert.True(errors.Count == 5, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Bind_CrossFieldRules_NameTheMember()
    {
        var (_, errors) = YamlBinder.Bind<Root>("""
            name: ok
            items: [{min: 0.9, max: 0.1}]
            """);
        var error = Assert.Single(errors);
        Assert.Equal("items[0].max", error.Path);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Bind_RequiredMissing_IsReported()
    {
        var (_, errors) = YamlBinder.Bind<Root>("items: []");
        Assert.Contains(errors, e => e.Path == "name");
    }

    [Fact]
    public void Bind_ValidDocument_BindsValues()
    {
        var (root, errors) = YamlBinder.Bind<Root>("""
            name: ok
            color: dark-green
            timeout: 1m30s
            size: 8GiB
            items: [{min: 0.1, max: 0.2}]
            """);
        Assert.Empty(errors);
        Assert.Equal(Color.DarkGreen, root!.Color);
        Assert.Equal(TimeSpan.FromSeconds(90), root.Timeout);
        Assert.Equal(8L << 30, root.Size);
        Assert.Equal(0.2, root.Items[0].Max);
    }

    [Fact]
    public void Bind_NotYaml_GivesOneErrorWithALine()
    {
        var (value, errors) = YamlBinder.Bind<Root>("name: [unclosed\nitems: {");
        Assert.True(value is null && errors.Count == 1, $"value: {value}, errors: {string.Join(Environment.NewLine, errors)}");
        Assert.NotNull(errors[0].Line);
    }

    [Fact]
    public void Scenario_InvalidMigGeometry_NamesTheInstance()
    {
        var ex = Assert.Throws<ConfigException>(() => ScenarioLoader.Parse("""
            gpus:
              - model: H100-SXM5-80GB
                mode: mig
                mig:
                  - profile: 4g.40gb
                  - profile: 4g.40gb
                  - profile: 9g.90gb
              - model: RTX-9090
                mode: time-sliced
            """, "bad.yaml"));
        Assert.Contains(ex.Errors, e => e.Path == "gpus[0].mig[1].profile" && e.Message.Contains("at most 1", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Path == "gpus[0].mig[2].profile" && e.Message.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Path == "gpus[1].model" && e.Message.Contains("unknown GPU model 'RTX-9090'", StringComparison.Ordinal));
    }

    [Fact]
    public void Scenario_DuplicatePid_IsRejected()
    {
        var ex = Assert.Throws<ConfigException>(() => ScenarioLoader.Parse("""
            gpus:
              - model: A10-24GB
                workloads: [{name: a, pid: 5}, {name: b, pid: 5}]
            """, "dup.yaml"));
        Assert.Contains(ex.Errors, e => e.Path == "gpus[0].workloads[1].pid");
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("1.5", 1500)]
    public void Units_ParseDuration(string text, double ms)
    {
        Assert.True(Units.TryParseDuration(text, out var value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5 s")]
    [InlineData("-1s")]
    [InlineData("1s2")]
    public void Units_RejectBadDurations(string text) => Assert.False(Units.TryParseDuration(text, out _));

    [Theory]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("80GB", 80_000_000_000L)]
    [InlineData("1024", 1024L)]
    public void Units_ParseBytes(string text, long bytes)
    {
        Assert.True(Units.TryParseBytes(text, out var value));
        Assert.Equal(bytes, value);
    }

    public enum Color
    {
        Red,
        Green,
        DarkGreen,
    }

    public sealed class Root
    {
        [Required]
        public string? Name { get; init; }

        public List<Item> Items { get; init; } = [];

        public Color Color { get; init; }

        public TimeSpan Timeout { get; init; }

        [ByteSize]
        public long Size { get; init; }
    }

    public sealed class Item : IValidatableObject
    {
        [Range(0.0, 1.0, ErrorMessage = "must be between 0 and 1")]
        public double Min { get; init; }

        public double Max { get; init; } = 1;

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Max < Min)
            {
                yield return new ValidationResult("max must not be below min", [nameof(Max)]);
            }
        }
    }
}
