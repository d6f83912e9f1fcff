using Pipelines.Core.Globbing;

namespace Pipelines.Core.Planning;

/// <summary>The unit placed on a shard.</summary>
public enum PlanBy
{
    /// <summary>One test method (all its data rows).</summary>
    Test,

    /// <summary>A test class: its tests share fixtures and set-up, so they stay together.</summary>
    Class,

    /// <summary>A JUnit suite's file (or the suite, when it names no file).</summary>
    File,
}

/// <summary>The order of units within a shard.</summary>
public enum PlanOrder
{
    /// <summary>Longest first, so a long unit never starts last (IMVU: 22% less wall time).</summary>
    SlowestFirst,

    /// <summary>A seeded shuffle, to flush out tests that depend on running after others (kaChing).</summary>
    Random,

    /// <summary>The order the tests were given in.</summary>
    Declared,
}

/// <summary>Everything about a plan that is policy rather than data.</summary>
/// <param name="Order">How units are ordered within a shard.</param>
/// <param name="Seed">The seed of the shuffle (and of nothing else: placement is deterministic).</param>
/// <param name="Dependencies">Unit id → the units that must run before it, on the same shard.</param>
/// <param name="FixedOrder">Units that opt out of the shuffle: they keep their declared order, ahead of the rest.</param>
public sealed record PlanOptions(
    PlanOrder Order,
    ulong Seed,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies,
    GlobSet FixedOrder)
{
    public static PlanOptions Default { get; } =
        new(PlanOrder.SlowestFirst, 0, new Dictionary<string, IReadOnlyList<string>>(), GlobSet.Empty);
}
