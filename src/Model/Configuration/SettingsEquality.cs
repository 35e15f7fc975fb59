using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuQos.Model.Configuration;

/// <summary>
/// Whether two bound configuration sections hold the same settings, as a reload asks: compared through their
/// JSON form, so a setting added to an options class later is compared too without anyone listing it.
/// </summary>
public static class SettingsEquality
{
    // A NaN that slipped into a setting must not make the comparison throw (a reload runs it in a signal handler).
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>True when every setting of <paramref name="a"/> equals the same setting of <paramref name="b"/>.</summary>
    public static bool Same<TSection>(TSection a, TSection b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);
}
