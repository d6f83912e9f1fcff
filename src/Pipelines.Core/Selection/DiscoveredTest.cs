namespace Pipelines.Core.Selection;

/// <summary>A test found in a built test assembly, with every category that applies to it.</summary>
/// <param name="ClassName">The class it runs in, nested classes as <c>Outer+Inner</c> (inherited tests count for the derived class).</param>
/// <param name="Framework"><c>mstest</c>, <c>xunit</c> or <c>nunit</c>.</param>
/// <param name="Categories">From the method, its class and base classes, and the assembly.</param>
/// <param name="SourceFile">Where the method is written, from the PDB, when there is one.</param>
public sealed record DiscoveredTest(
    string Assembly,
    string ClassName,
    string Method,
    string Framework,
    IReadOnlyList<string> Categories,
    string? SourceFile = null,
    int? SourceLine = null)
{
    public string Id => ClassName + "." + Method;
}
