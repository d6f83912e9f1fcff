using System.Xml.Linq;

namespace Pipelines.Adapters.Impact;

/// <summary>
/// The run settings record-impact runs a test project with: the collector loaded in the test host, and every
/// framework's own parallelism off, since flags set by two tests at once could not be told apart.
/// </summary>
public static class ImpactRunSettings
{
    public const string CollectorAssembly = "Pipelines.Impact.Collector";
    public const string CollectorType = "Pipelines.Impact.Collector.ImpactCollector";

    public static string Create(string collectorPath, string outputPath)
    {
        var document = new XDocument(new XElement("RunSettings",
            new XElement("RunConfiguration",
                new XElement("DisableParallelization", "true")),
            // Run settings win over [assembly: Parallelize] (record-impact's sample sets one, and its tests check the
            // tests ran one at a time).
            new XElement("MSTest",
                new XElement("Parallelize", new XElement("Workers", "1"), new XElement("Scope", "ClassLevel")),
                new XElement("DisableParallelization", "true")),
            new XElement("xUnit",
                new XElement("ParallelizeTestCollections", "false"),
                new XElement("ParallelizeAssembly", "false"),
                new XElement("MaxParallelThreads", "1")),
            // NUnit reports results from a queue on another thread unless told otherwise: a test's end would arrive
            // after the next test began, and its flags with it.
            new XElement("NUnit",
                new XElement("NumberOfTestWorkers", "0"),
                new XElement("SynchronousEvents", "true")),
            new XElement("InProcDataCollectionRunSettings",
                new XElement("InProcDataCollectors",
                    new XElement("InProcDataCollector",
                        new XAttribute("friendlyName", "PipelinesImpact"),
                        new XAttribute("uri", "InProcDataCollector://pipelines/impact/1"),
                        // VSTest compares the full assembly-qualified name: the short form loads nothing (and says so only in its diagnostics).
                        new XAttribute("assemblyQualifiedName", $"{CollectorType}, {CollectorAssembly}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null"),
                        new XAttribute("codebase", collectorPath),
                        new XElement("Configuration", new XElement("Output", outputPath)))))));
        return document.ToString();
    }
}
