namespace GpuQos.Collectors.Attribution;

/// <summary>
/// A case-sensitive glob over a whole value: <c>*</c> is any run of characters, <c>?</c> any one. Matched
/// without regular expressions or allocation, in time bounded by pattern length × value length.
/// </summary>
public sealed class Glob(string pattern)
{
    private readonly bool _literal = pattern.AsSpan().IndexOfAny('*', '?') < 0;

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; } = pattern;

    /// <summary>True when <paramref name="value"/> is known (non-empty) and matches.</summary>
    public bool Matches(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (_literal)
        {
            return string.Equals(Pattern, value, StringComparison.Ordinal);
        }

        // Greedy match that, on a mismatch, retries from the last '*' one character further on.
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < Pattern.Length && (Pattern[p] == '?' || Pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < Pattern.Length && Pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < Pattern.Length && Pattern[p] == '*')
        {
            p++;
        }

        return p == Pattern.Length;
    }
}
