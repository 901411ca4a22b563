using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AccuScene.Otel;

/// <summary>
/// The start-up (and reload) validation of the options registered by <c>AddAccuScene()</c>: keys that match no setting,
/// at any depth; every range (<see cref="AccuSceneOptionsValidator"/>); and registration-time settings that changed
/// after <c>AddAccuScene()</c> read them. Every message names the full key. The standard <c>OTEL_*</c> keys are read
/// where OpenTelemetry's exporters read them: <paramref name="host"/>, the host's configuration, else the environment.
/// </summary>
internal sealed class AccuSceneOptionsValidation(IConfigurationSection section, AccuSceneOptions atRegistration, IConfiguration? host = null) : IValidateOptions<AccuSceneOptions>
{
    private volatile bool _started;

    public ValidateOptionsResult Validate(string? name, AccuSceneOptions options)
    {
        var failures = new List<string>();
        OptionKeys.FindUnknown(section, AccuSceneOptionsJsonContext.Default.AccuSceneOptions, section.Path, failures);
        failures.AddRange(AccuSceneOptionsValidator.Collect(options, section.Path, host));
        if (!_started)
        {
            CompareWithRegistration(options, failures);
        }

        // Once the options in effect at start are valid, reloads are checked for range and typos only: a
        // registration-time key changed by a reload keeps its start value until a restart (documented), and must
        // not block the reload of the rules and log levels.
        _started |= failures.Count == 0;
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void CompareWithRegistration(AccuSceneOptions options, List<string> failures)
    {
        foreach (var (key, read, _) in AccuSceneOptionsRegistration.RegistrationKeys)
        {
            if (Equals(read(atRegistration), read(options)))
            {
                continue;
            }

            var then = AccuSceneOptionsRegistration.Describe(key, read(atRegistration));
            var now = AccuSceneOptionsRegistration.Describe(key, read(options));
            {
                failures.Add(
                    $"{section.Path}:{key} is read when AddAccuScene() is called, because it decides which OpenTelemetry exporters and instrumentations are registered: "
                    + $"it was '{then}' then and is '{now}' now. Set it where AddAccuScene() can read it: appsettings.json, the environment, the IConfiguration "
                    + "passed to AddAccuScene(configuration), or AddAccuScene(o => ...).");
            }
        }
    }
}
