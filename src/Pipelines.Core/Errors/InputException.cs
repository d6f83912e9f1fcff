namespace Pipelines.Core.Errors;

/// <summary>
/// Bad input or configuration: exit code 2. The message names the file and line, or the option, and what was
/// expected, so the user can fix it without reading our code.
/// </summary>
public class InputException : Exception
{
    public InputException(string message)
        : base(message)
    {
    }

    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An error at a place in a file: <c>path(line,column): message</c>, the form editors and CI logs link.</summary>
    public static InputException At(string file, int line, int column, string message) =>
        new FileInputException(file, line, column, message);
}

/// <summary>An <see cref="InputException"/> tied to a place in a file, so hosts can annotate it.</summary>
public sealed class FileInputException : InputException
{
    /// <param name="line">From 1; a parser's 0 (no place known, e.g. an empty file) is shown as line 1.</param>
    /// <param name="column">From 1; 0 or less when only the line is known.</param>
    public FileInputException(string file, int line, int column, string message)
        : base(column > 0 ? $"{file}({Math.Max(1, line)},{column}): {message}" : $"{file}({Math.Max(1, line)}): {message}")
    {
        File = file;
        Line = Math.Max(1, line);
        Column = Math.Max(0, column);
        Detail = message;
    }

    public string File { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Detail { get; }
}
