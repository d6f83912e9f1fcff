namespace Pipelines.Core.Globbing;

/// <summary>
/// An ordered list of patterns read like a .gitignore: the last pattern that matches a path decides,
/// so <c>["src/**", "!src/**/*.md"]</c> is every file under src except markdown.
/// </summary>
public sealed class GlobSet
{
    private readonly Glob[] _globs;

    public GlobSet(IEnumerable<Glob> globs)
    {
        ArgumentNullException.ThrowIfNull(globs);
        _globs = [.. globs];
    }

    public static GlobSet Empty { get; } = new([]);

    public IReadOnlyList<Glob> Globs => _globs;

    /// <summary>Compiles each pattern; the first that cannot be compiled throws <see cref="GlobException"/>.</summary>
    public static GlobSet Compile(IEnumerable<string> patterns) => new(patterns.Select(Glob.Compile));

    public bool IsMatch(string path) => Match(path) is { IsNegated: false };

    /// <summary>The pattern that decides for <paramref name="path"/> (possibly a negated one), or null.</summary>
    public Glob? Match(string path)
    {
        for (var i = _globs.Length - 1; i >= 0; i--)
        {
            if (_globs[i].IsMatch(path))
            {
                return _globs[i];
            }
        }

        return null;
    }
}
