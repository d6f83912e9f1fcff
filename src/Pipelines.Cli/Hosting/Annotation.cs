namespace Pipelines.Cli.Hosting;

public enum AnnotationLevel
{
    Notice,
    Warning,
    Error,
}

/// <summary>A problem tied (optionally) to a place in a file, shown inline by the CI host.</summary>
public sealed record Annotation(AnnotationLevel Level, string Message, string? File = null, int? Line = null, string? Title = null, int? Column = null);
