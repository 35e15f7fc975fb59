using System.CommandLine;
using GpuQos.Backends.Simulation;
using GpuQos.Model.Configuration;

namespace GpuQos.Daemon.Cli;

/// <summary><c>gpuqos validate FILE</c>: checks a configuration (or scenario) and lists every error with its path.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The configuration file to check (or a scenario file, with --scenario)." };
        var isScenario = new Option<bool>("--scenario") { Description = "FILE is a simulated-host scenario rather than a configuration." };
        var command = new Command("validate", """
            Check a configuration file without starting anything. Every error is listed with its path and line,
            e.g. "policies[2].objectives[0].min (line 31): must be between 0 and 1". Exit code: 0 valid,
            1 invalid, 2 unreadable.
            """)
        {
            file, isScenario,
        };
        command.SetAction(parse => Validate(parse.GetValue(file)!, parse.GetValue(isScenario)));
        return command;
    }

    private static int Validate(FileInfo file, bool scenario)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"gpuqos: cannot read {file.FullName}: {ex.Message}");
            return ExitCodes.Error;
        }

        var errors = scenario
            ? YamlBinder.Bind<ScenarioOptions>(text).Errors
            : Configuration.ConfigLoader.Check(text);
        if (errors.Count == 0)
        {
            Console.Out.WriteLine($"{file.Name}: valid");
            return ExitCodes.Ok;
        }

        Console.Error.WriteLine($"{file.Name}: {errors.Count} error(s)");
        foreach (var error in errors)
        {
            Console.Error.WriteLine("  " + error);
        }

        return ExitCodes.Failed;
    }
}
