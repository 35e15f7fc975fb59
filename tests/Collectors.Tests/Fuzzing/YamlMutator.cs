namespace GpuQos.Collectors.Tests.Fuzzing;

/// <summary>
/// Random edits of a valid YAML document for the parser's property tests: deletions, insertions of YAML
/// punctuation, replacements, duplicated lines (repeated keys and list items) and truncation. Shared by the
/// scenario and the daemon configuration fuzz tests.
/// </summary>
internal static class YamlMutator
{
    /// <summary>YAML punctuation and a few ordinary characters, the alphabet edits draw from.</summary>
    public const string Alphabet = "{}[]:-,'\"&*!|>#%@ \n\t0aZ~";

    /// <summary>Applies the edits in order. Each is (position, kind 0-4, character).</summary>
    public static string Mutate(string text, (int Position, int Kind, char Char)[] edits)
    {
        var chars = new List<char>(text);
        foreach (var (position, kind, c) in edits)
        {
            if (chars.Count == 0)
            {
                chars.Add(c);
                continue;
            }

            var i = position % chars.Count;
            switch (kind)
            {
                case 0:
                    chars.RemoveAt(i);
                    break;
                case 1:
                    chars.Insert(i, c);
                    break;
                case 2:
                    chars[i] = c;
                    break;
                case 3:
                    var start = text.LastIndexOf('\n', Math.Min(i, text.Length - 1)) + 1;
                    var end = text.IndexOf('\n', Math.Min(i, text.Length - 1));
                    chars.InsertRange(start, text[start..(end < 0 ? text.Length : end + 1)]);
                    break;
                default:
                    chars.RemoveRange(i, chars.Count - i);
                    break;
            }
        }

        return new string(chars.ToArray());
    }
}
