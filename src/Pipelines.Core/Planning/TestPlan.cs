namespace Pipelines.Core.Planning;

/// <summary>A unit as placed: its id and predicted seconds.</summary>
public sealed record PlacedUnit(string Id, double Seconds, bool Estimated);

/// <summary>One shard: the units it runs, in the order it runs them.</summary>
public sealed record PlanShard(int Index, double PredictedSeconds, IReadOnlyList<PlacedUnit> Units);

/// <summary>
/// Shards and their order. <see cref="LowerBoundSeconds"/> = max(total / shards, longest unit): no placement can
/// finish sooner, so <see cref="PredictedMakespanSeconds"/> / <see cref="LowerBoundSeconds"/> says how good it is.
/// </summary>
public sealed record TestPlan(
    ulong Seed,
    PlanBy By,
    PlanOrder Order,
    double LowerBoundSeconds,
    double PredictedMakespanSeconds,
    IReadOnlyList<PlanShard> Shards,
    IReadOnlyList<string> Warnings)
{
    public double TotalSeconds => Shards.Sum(s => s.PredictedSeconds);
}
