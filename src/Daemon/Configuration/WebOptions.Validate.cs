using System.ComponentModel.DataAnnotations;

namespace GpuQos.Daemon.Configuration;

/// <summary>Cross-field rules of <see cref="WebOptions"/>.</summary>
public sealed partial class WebOptions : IValidatableObject
{
    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TokenFile is { } token && !Path.IsPathRooted(token))
        {
            yield return new ValidationResult($"'{token}' must be an absolute path", [nameof(TokenFile)]);
        }

        if (ReadAuth == Configuration.ReadAuth.Basic && BasicAuthUsers.Count == 0)
        {
            yield return new ValidationResult("readAuth 'basic' needs at least one user in basicAuthUsers", [nameof(ReadAuth)]);
        }

        if (ReadAuth == Configuration.ReadAuth.Token && TokenFile is null)
        {
            yield return new ValidationResult("readAuth 'token' needs tokenFile", [nameof(ReadAuth)]);
        }

        if (HealthListen is { } health && !SettingsDefaults.TryParseListen(health, out _))
        {
            yield return new ValidationResult($"'{health}' is not ADDRESS:PORT (e.g. 127.0.0.1:9451)", [nameof(HealthListen)]);
        }

        foreach (var (user, hash) in BasicAuthUsers)
        {
            if (string.IsNullOrWhiteSpace(user) || user.Contains(':', StringComparison.Ordinal))
            {
                yield return new ValidationResult($"user name '{user}' must be non-empty and contain no ':'", [$"basicAuthUsers.{user}"]);
            }

            if (!WebOptionsDefaults.IsBcryptHash(hash))
            {
                yield return new ValidationResult(
                    $"the password of '{user}' must be a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from `htpasswd -nbBC 10 {user} PASSWORD`), not a plain password",
                    [$"basicAuthUsers.{user}"]);
            }
        }
    }
}
