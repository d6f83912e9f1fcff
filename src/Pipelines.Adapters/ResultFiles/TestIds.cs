namespace Pipelines.Adapters.ResultFiles;

/// <summary>The one rule for turning what a result file records into a test id.</summary>
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
}
