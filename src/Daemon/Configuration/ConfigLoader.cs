using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Configuration;

/// <summary>Finds, reads and validates the configuration file.</summary>
public static class ConfigLoader
{
    /// <summary>Where the daemon looks when no <c>--config</c> is given.</summary>
    public const string DefaultPath = "/etc/gpuqos/gpuqos.yaml";

    /// <summary>The name under which the demo host's configuration is embedded.</summary>
    public const string DemoResource = "GpuQos.Config.demo.yaml";

    /// <summary>Reads and validates a file; throws <see cref="ConfigException"/> listing every error.</summary>
    public static GpuQosOptions LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, [new ConfigError("", $"cannot read the file: {ex.Message}")]);
        }

        return YamlBinder.Load<GpuQosOptions>(text, path);
    }

    /// <summary>Validates YAML text; returns every error (empty when valid).</summary>
    public static IReadOnlyList<ConfigError> Check(string yaml) => YamlBinder.Bind<GpuQosOptions>(yaml).Errors;

    /// <summary>
    /// The configuration to run with: the given file; else <see cref="DefaultPath"/> if it exists; else, on the
    /// simulated demo host, the demo's tenants and policies; else built-in defaults.
    /// </summary>
    public static (GpuQosOptions Options, string Source) Resolve(string? path, bool demoHost)
    {
        if (path is not null)
        {
            return (LoadFile(path), path);
        }

        if (File.Exists(DefaultPath))
        {
            return (LoadFile(DefaultPath), DefaultPath);
        }

        return demoHost ? (YamlBinder.Load<GpuQosOptions>(DemoYaml(), "built-in demo configuration"), "built-in demo configuration") : (new GpuQosOptions(), "built-in defaults");
    }

    /// <summary>The demo host's configuration, as shipped in <c>scenarios/demo-config.yaml</c>.</summary>
    public static string DemoYaml()
    {
        using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(DemoResource)
            ?? throw new InvalidOperationException($"the demo configuration resource {DemoResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
