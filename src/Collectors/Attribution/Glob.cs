using System.Text;
using System.Text.RegularExpressions;

namespace GpuQos.Collectors.Attribution;

/// <summary>A case-sensitive glob over a whole value: <c>*</c> is any run of characters, <c>?</c> any one.</summary>
public sealed class Glob
{
    private readonly Regex _regex;

    public Glob(string pattern)
    {
        Pattern = pattern;
        var sb = new StringBuilder("^");
        foreach (var c in pattern)
        {
            sb.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        _regex = new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>True when <paramref name="value"/> is known (non-empty) and matches.</summary>
    public bool Matches(string? value) => !string.IsNullOrEmpty(value) && _regex.IsMatch(value);
}
