using Pipelines.Cli;
using Pipelines.Cli.Hosting;

return PipelinesCli.Run(args, CliContext.FromProcess());
