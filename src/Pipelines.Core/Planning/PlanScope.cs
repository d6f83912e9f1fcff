using Pipelines.Core.Selection;

namespace Pipelines.Core.Planning;

/// <summary>How much of a unit a selection asks for.</summary>
public enum UnitReach
{
    /// <summary>Not selected: not planned.</summary>
    Out,

    /// <summary>Only the tests the selection's category filter matches.</summary>
    Restricted,

    /// <summary>Every test of the unit.</summary>
    Whole,
}

/// <summary>
/// What <c>select-tests</c> chose, applied to known tests: the affected test projects run whole, tagged tests
/// run wherever they are. A test whose categories are unknown stays in under a category filter, and the filter
/// decides when it runs.
/// </summary>
public sealed class PlanScope
{
    private readonly HashSet<string> _assemblies;
    private readonly IReadOnlySet<string>? _categories;

    public PlanScope(IEnumerable<string> projects, string categoryFilter)
    {
        ArgumentNullException.ThrowIfNull(projects);
        ArgumentNullException.ThrowIfNull(categoryFilter);
        _assemblies = new HashSet<string>(projects.Select(AssemblyNameOf), StringComparer.OrdinalIgnoreCase);
        CategoryFilter = categoryFilter;
        _categories = categoryFilter.Length == 0 ? null : TestFilter.CategoriesIn(categoryFilter);
    }

    public static PlanScope Everything { get; } = new([], string.Empty);

    public string CategoryFilter { get; }

    public bool IsEverything => _assemblies.Count == 0 && CategoryFilter.Length == 0;

    /// <param name="source">The test's assembly path (TRX <c>storage</c>, discovery), if known.</param>
    /// <param name="categories">The test's categories, or null when unknown.</param>
    public UnitReach Of(string? source, IReadOnlyList<string>? categories)
    {
        if (IsEverything || (source is not null && _assemblies.Contains(AssemblyNameOf(source))))
        {
            return UnitReach.Whole;
        }

        if (CategoryFilter.Length == 0)
        {
            return UnitReach.Out;
        }

        if (categories is null || _categories is null)
        {
            return UnitReach.Restricted;
        }

        return categories.Any(_categories.Contains) ? UnitReach.Restricted : UnitReach.Out;
    }

    // "tests/Shop.Tests/Shop.Tests.csproj" and "/bin/Debug/net10.0/Shop.Tests.dll" both name Shop.Tests.
    private static string AssemblyNameOf(string path)
    {
        var name = path[(path.Replace('\\', '/').LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : name;
    }
}
