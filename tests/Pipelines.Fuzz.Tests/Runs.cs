using System.Net;
using System.Text;
using Pipelines.Cli;
using Pipelines.Cli.Hosting;
using Pipelines.Cli.Outputs;
using Pipelines.Testing;

namespace Pipelines.Fuzz.Tests;

/// <summary>Runs the CLI in-process, whole or around one parser, the way a command does: same session, same exit codes, same printing.</summary>
internal static class Runs
{
    public static readonly IReadOnlySet<int> Parsed = new HashSet<int> { 0, 2 };

    public static readonly IReadOnlySet<int> Judged = new HashSet<int> { 0, 1, 2 };

    public static readonly IReadOnlySet<int> Answered = new HashSet<int> { 0, 3 };

    /// <summary>The environment of a run under <paramref name="host"/>, as the runner or agent sets it.</summary>
    public static Dictionary<string, string?> Environment(HostKind host, TempDirectory work) => host switch
    {
        HostKind.GitHub => new()
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_OUTPUT"] = Path.Combine(work.Path, ".github-output"),
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(work.Path, ".github-summary"),
        },
        HostKind.Azure => new() { ["TF_BUILD"] = "True", ["AGENT_TEMPDIRECTORY"] = work.Path },
        _ => [],
    };

    /// <summary>The whole CLI, in-process.</summary>
    public static TargetRun Cli(HostKind host, TempDirectory work, params string[] args) =>
        Cli(Environment(host, work), work, args);

    public static TargetRun Cli(Dictionary<string, string?> environment, TempDirectory work, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = PipelinesCli.Run(args, new CliContext(environment, work.Path, stdout, stderr));
        return new TargetRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>One parser's entry point inside a command's session: exceptions become exit codes and messages exactly as in a command.</summary>
    public static TargetRun Parse(HostKind host, TempDirectory work, Action<CommandSession> body) =>
        Parse(Environment(host, work), work, body);

    public static TargetRun Parse(Dictionary<string, string?> environment, TempDirectory work, Action<CommandSession> body)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(environment, work.Path, stdout, stderr);
        var exit = PipelinesCli.Execute(context, "fuzz", json: false, session =>
        {
            body(session);
            return new CommandResult(ExitCodes.Success);
        });
        return new TargetRun(exit, stdout.ToString(), stderr.ToString());
    }

    public static string Write(TempDirectory work, string relative, byte[] bytes)
    {
        var path = Path.Combine(work.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>A server that answers every request with the same status and body, in memory.</summary>
internal sealed class FixedAnswer(HttpStatusCode status, byte[] body, string mediaType = "application/json") : HttpMessageHandler
{
    public int Requests { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return Task.FromResult(new HttpResponseMessage(status) { Content = content, RequestMessage = request });
    }
}
