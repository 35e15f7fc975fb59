using GpuQos.Collectors.Attribution;

namespace GpuQos.Collectors.Tests.Attribution;

public sealed class GlobTests
{
    [Theory]
    [InlineData("vm-cad-*", "vm-cad-01", true)]
    [InlineData("vm-cad-*", "vm-cad-", true)]
    [InlineData("vm-cad-*", "vm-vdi-01", false)]
    [InlineData("*pod7f3c*", "/kubepods.slice/kubepods-pod7f3c_1.slice", true)]
    [InlineData("a*b*c", "a-b-b-c", true)]
    [InlineData("a*b*c", "a-b-b-cd", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*", "anything", true)]
    [InlineData("**x", "x", true)]
    [InlineData("search", "search", true)]
    [InlineData("search", "Search", false)]
    [InlineData("search", "search2", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("[ab]", "a", false)]
    public void Matches_WholeValue(string pattern, string value, bool expected) => Assert.Equal(expected, new Glob(pattern).Matches(value));

    [Fact]
    public void Matches_EmptyValue_NeverMatches() => Assert.False(new Glob("*").Matches(""));

    [Fact]
    public void Matches_ManyStars_BacktracksToTheLastStar()
    {
        var glob = new Glob(string.Concat(Enumerable.Repeat("a*", 30)) + "b");

        Assert.False(glob.Matches(new string('a', 500)));
        Assert.True(glob.Matches(new string('a', 500) + "b"));
    }
}
