using System.CommandLine;
using Pipelines.Adapters.Http;
using Pipelines.Cli.Commands.MetricsGate;
using Pipelines.Cli.Commands.PlanTests;
using Pipelines.Cli.Commands.RevertOnRed;
using Pipelines.Cli.Commands.RunTests;
using Pipelines.Cli.Commands.SelectTests;
using Pipelines.Cli.Composition;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Inputs;
using Pipelines.Cli.Outputs;
using Pipelines.Core.Errors;
using Pipelines.Core.Text;

namespace Pipelines.Cli;

/// <summary>The <c>pipelines</c> program: its subcommands, inputs from the environment, and exit codes.</summary>
public static class PipelinesCli
{
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("Pipelines: continuous deployment steps for GitHub Actions and Azure Pipelines.");
        root.Subcommands.Add(SelectTestsCommand.Create(context));
        root.Subcommands.Add(PlanTestsCommand.Create(context));
        root.Subcommands.Add(RunTestsCommand.Create(context));
        root.Subcommands.Add(RevertOnRedCommand.Create(context));
        root.Subcommands.Add(MetricsGateCommand.Create(context));
        root.Subcommands.Add(PlanBakeCommand.Create(context));
        root.Subcommands.Add(Commands.Canary.CanaryCommand.Create(context));
        root.Subcommands.Add(Commands.Release.ReleaseCommand.Create(context));
        root.Subcommands.Add(Commands.RecordImpact.RecordImpactCommand.Create(context));
        return root;
    }

    /// <summary>Parses, runs and maps every failure to the documented exit codes.</summary>
    public static int Run(IReadOnlyList<string> args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = BuildRoot(context);
        string[] expanded;
        IReadOnlyDictionary<string, string> sources;
        try
        {
            (expanded, sources) = EnvironmentInputs.Apply(root, args, context.Get);
        }
        catch (InputException ex)
        {
            context.StandardError.WriteLine("error: " + ex.Message);
            return ExitCodes.BadInput;
        }

        // "pipelines release --help" would show the root's help and exit 0: a command that does not exist is an error.
        if (expanded.Length > 0 && !expanded[0].StartsWith('-') && !expanded[0].StartsWith('[')
            && !root.Subcommands.Any(c => c.Name == expanded[0] || c.Aliases.Contains(expanded[0])))
        {
            var names = root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            context.StandardError.WriteLine(
                $"error: '{UntrustedText.ForLine(expanded[0])}' is not a pipelines command{DidYouMean.Hint(expanded[0], names)}; the commands are: {string.Join(", ", names)}");
            context.StandardError.WriteLine("Run 'pipelines --help' to see what each does.");
            return ExitCodes.BadInput;
        }

        var parse = root.Parse(expanded);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.StandardError.WriteLine("error: " + error.Message + FromEnvironment(error, sources));
            }

            context.StandardError.WriteLine($"Run '{parse.CommandResult.Command.Name} --help' to see the options.");
            return ExitCodes.BadInput;
        }

        return parse.Invoke(new InvocationConfiguration
        {
            Output = context.StandardOutput,
            Error = context.StandardError,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>
    /// Runs one command's body with its session, turning exceptions into exit codes and messages that name the
    /// problem. Nothing is published unless the body returns a result.
    /// </summary>
    public static int Execute(CliContext context, string commandName, bool json, Func<CommandSession, CommandResult> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(context);
        var redactor = new Redactor();
        redactor.AddFromEnvironment(context.Environment);
        var session = new CommandSession(context, commandName, json, redactor);
        try
        {
            // The command's one budget for its outside calls (gate looks have their own: MetricsSources).
            using var budget = CallBudgets.ForCommand(context, commandName) is { } total ? CallBudget.Enter(total) : null;
            return session.Publish(body(session));
        }
        catch (FileInputException ex)
        {
            // One error with one place: in a terminal the plain line on standard error; on a CI host the annotation on
            // the file, whose log line carries the same "file(line,column): message" text.
            if (session.Host is LocalHost)
            {
                return Fail(session, ex.Message, ExitCodes.BadInput);
            }

            session.Host.Annotate(new Annotation(AnnotationLevel.Error, ex.Message, ex.File, ex.Line, Column: ex.Column > 0 ? ex.Column : null));
            session.Log.Flush();
            return ExitCodes.BadInput;
        }
        catch (InputException ex)
        {
            return Fail(session, ex.Message, ExitCodes.BadInput);
        }
        catch (OutsideSystemException ex)
        {
            return Fail(session, ex.Message, ExitCodes.OutsideFailure);
        }
        catch (OperationCanceledException)
        {
            return Fail(session, "cancelled", ExitCodes.OutsideFailure);
        }
#pragma warning disable CA1031 // The top of the program: any other exception is our bug and gets its own exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Fail(session, $"internal error (a bug in Pipelines; please report it): {ex}", ExitCodes.InternalError);
        }
    }

    private static int Fail(CommandSession session, string message, int exitCode)
    {
        session.Log.Flush();
        var error = new RedactingWriter(session.Context.StandardError, session.Redactor);
        error.WriteLine("error: " + message);
        error.Flush();
        return exitCode;
    }

    /// <summary>Names the environment variable behind a bad value, since the user never typed the option.</summary>
    private static string FromEnvironment(System.CommandLine.Parsing.ParseError error, IReadOnlyDictionary<string, string> sources)
    {
        for (var result = error.SymbolResult; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.OptionResult option && sources.TryGetValue(option.Option.Name, out var variable))
            {
                return $" (option {option.Option.Name}, from the environment variable {variable})";
            }
        }

        return string.Empty;
    }
}
