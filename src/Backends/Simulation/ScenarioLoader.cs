using GpuQos.Model.Configuration;

namespace GpuQos.Backends.Simulation;

/// <summary>Loads scenario files, and the built-in demo host.</summary>
public static class ScenarioLoader
{
    /// <summary>The name under which the demo host is embedded.</summary>
    public const string DemoResource = "GpuQos.Scenarios.demo.yaml";

    /// <summary>Loads and validates a scenario file; throws <see cref="ConfigException"/> with every error.</summary>
    public static ScenarioOptions LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and validates scenario YAML.</summary>
    public static ScenarioOptions Parse(string yaml, string source) => YamlBinder.Load<ScenarioOptions>(yaml, source);

    /// <summary>The built-in demo host: a MIG H100, a time-sliced GPU with a noisy neighbour, a vGPU GPU and an MPS GPU.</summary>
    public static ScenarioOptions Demo() => Parse(DemoYaml(), "built-in demo scenario");

    /// <summary>The demo host's YAML, as shipped in <c>scenarios/demo.yaml</c>.</summary>
    public static string DemoYaml()
    {
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream(DemoResource)
            ?? throw new InvalidOperationException($"the demo scenario resource {DemoResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
