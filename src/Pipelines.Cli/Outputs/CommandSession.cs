using System.Text.Json;
using Pipelines.Cli.Hosting;

namespace Pipelines.Cli.Outputs;

/// <summary>
/// One invocation's connection to the outside: its context, its CI host and where text goes. With <c>--json</c>,
/// standard output carries only the JSON document and everything for people (and host commands) goes to standard
/// error, so the JSON can be piped.
/// </summary>
public sealed class CommandSession
{
    /// <summary>GitHub shows ten annotations of a kind per step; past this many, the summary carries the rest.</summary>
    public const int MaxAnnotations = 50;

    public CommandSession(CliContext context, string commandName, bool json, Redactor redactor)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Json = json;
        Redactor = redactor;
        Data = new RedactingWriter(context.StandardOutput, redactor);
        Log = json ? new RedactingWriter(context.StandardError, redactor) : Data;
        Host = context.Ci.CreateHost(Log, commandName);
    }

    public CliContext Context { get; }

    public ICiHost Host { get; }

    /// <summary>Where people's text and host commands go.</summary>
    public TextWriter Log { get; }

    /// <summary>Standard output: the JSON document under <c>--json</c>.</summary>
    public TextWriter Data { get; }

    public bool Json { get; }

    public Redactor Redactor { get; }

    /// <summary>Registers a secret: masked by the host, redacted from everything we print.</summary>
    public void AddSecret(string secret)
    {
        // The host must hear the secret itself: redacting first would turn "::add-mask::<secret>" into "::add-mask::***".
        // A secret the environment registered up front is forgotten for that one line.
        Log.Flush();
        Redactor.Remove(secret);
        Host.Mask(secret);
        Log.Flush();
        Redactor.Add(secret);
    }

    public int Publish(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var shown = 0;
        foreach (var annotation in result.Annotations)
        {
            if (shown++ == MaxAnnotations)
            {
                Host.Annotate(new Annotation(AnnotationLevel.Notice,
                    $"{result.Annotations.Count - MaxAnnotations} more problems are listed in the step summary"));
                break;
            }

            Host.Annotate(annotation);
        }

        if (result.Report.Length > 0)
        {
            Host.WriteReport(Redactor.Redact(result.Report));
        }

        if (result.Summary.Length > 0)
        {
            Host.AppendSummary(Redactor.Redact(result.Summary));
        }

        Host.SetOutputs([.. result.Outputs.Select(o => KeyValuePair.Create(o.Key, Redactor.Redact(o.Value)))]);
        if (Json && result.Json is { } json)
        {
            Data.WriteLine(json());
        }

        Log.Flush();
        Data.Flush();
        return result.ExitCode;
    }
}
