namespace Samples.Impact;

/// <summary>A table filled once by its static constructor: later readers run none of this file's code.</summary>
public static class RateTable
{
    public static readonly IReadOnlyDictionary<string, decimal> Rates = Build();

    private static Dictionary<string, decimal> Build() => new() { ["standard"] = 0.2m, ["reduced"] = 0.05m };
}
