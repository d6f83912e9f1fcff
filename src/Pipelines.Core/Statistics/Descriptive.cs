namespace Pipelines.Core.Statistics;

/// <summary>Plain summaries of a sample.</summary>
public static class Descriptive
{
    /// <summary>The middle value (the mean of the two middle ones for an even count); 0 for no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
