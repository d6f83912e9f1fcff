namespace Pipelines.Adapters.ResultFiles;

/// <summary>The rules for turning what a result file records into a test id and a duration.</summary>
public static class TestIds
{
    /// <summary>
    /// <c>Ns.Class.Method</c> from a class and a method name that may already be fully qualified (xUnit v3) or carry
    /// arguments (NUnit test cases): the rows of one method share its id.
    /// </summary>
    public static (string Id, string ClassName) Identify(string? className, string name)
    {
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        var method = paren > 0 ? name[..paren].TrimEnd() : name;
        if (string.IsNullOrEmpty(className))
        {
            var dot = method.LastIndexOf('.');
            return (method, dot > 0 ? method[..dot] : method);
        }

        return method.StartsWith(className + ".", StringComparison.Ordinal)
            ? (method, className)
            : (className + "." + method, className);
    }

    /// <summary>The longest duration a result file may record for one test; anything longer is not a real run.</summary>
    public const double MaxSeconds = 30 * 24 * 3600;

    /// <summary>
    /// A recorded duration as the timing history takes it: a negative, non-finite or absurd one (over
    /// <see cref="MaxSeconds"/>, README "Limits") is read as 0, unknown, rather than planned with.
    /// </summary>
    public static double Seconds(double seconds) => double.IsFinite(seconds) && seconds is >= 0 and <= MaxSeconds ? seconds : 0;
}
