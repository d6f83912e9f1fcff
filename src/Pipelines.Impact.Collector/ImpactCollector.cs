using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.DataCollection;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.DataCollector.InProcDataCollector;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.InProcDataCollector;

namespace Pipelines.Impact.Collector;

/// <summary>
/// Runs inside VSTest's test host while <c>pipelines record-impact</c> runs a test project. Assemblies that the recorder
/// instrumented carry a type <c>&lt;PipelinesImpact&gt;Hits</c> whose <c>Hits</c> array has one flag per source file,
/// set by the code that runs; after each test this writes the flags that are set and clears them, and at the session's
/// end those set since the last test. Flags set between two tests (class and fixture set-up) count for the next test.
/// No compile-time link to the instrumented code: the types are found by name.
/// </summary>
public sealed class ImpactCollector : InProcDataCollection, IDisposable
{
    /// <summary>The injected type's name, as the instrumenter writes it.</summary>
    public const string HitsTypeName = "<PipelinesImpact>Hits";

    /// <summary>Where instrumented code in other processes writes its flags as it exits, as the instrumenter names it.</summary>
    public const string HitsDirectoryVariable = "PIPELINES_IMPACT_HITS_DIR";

    private readonly object _gate = new();
    private readonly List<(string Assembly, bool[] Hits)> _arrays = [];
    private readonly Queue<Assembly> _pending = new();
    private readonly HashSet<Assembly> _seen = [];
    private readonly HashSet<string> _processFiles = new(StringComparer.Ordinal);

    // Read once: the variable is the recorder's, set before the test host starts.
    private readonly string? _processHitsDirectory = Environment.GetEnvironmentVariable(HitsDirectoryVariable) is { Length: > 0 } set ? set : null;
    private StreamWriter? _output;
    private int _running;
    private bool _overlapped;

    public void Initialize(IDataCollectionSink dataCollectionSink)
    {
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) =>
        {
            lock (_gate)
            {
                _pending.Enqueue(e.LoadedAssembly);
            }
        };
    }

    public void TestSessionStart(TestSessionStartArgs testSessionStartArgs)
    {
        var path = OutputPath(testSessionStartArgs?.Configuration);
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _output = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        WriteLine(writer =>
        {
            writer.WriteString("event", "session");
            writer.WriteNumber("process", Environment.ProcessId);
        });
    }

    public void TestCaseStart(TestCaseStartArgs testCaseStartArgs)
    {
        // Nothing to clear: what ran since the last test (class set-up) belongs to this one. Counted, so a run whose
        // tests overlapped (a framework that kept its parallelism) says so instead of mixing their files silently.
        lock (_gate)
        {
            if (_running > 0)
            {
                _overlapped = true;
            }

            _running++;
        }
    }

    public void TestCaseEnd(TestCaseEndArgs testCaseEndArgs)
    {
        if (_output is null || testCaseEndArgs?.DataCollectionContext?.TestCase is not { } test)
        {
            return;
        }

        var outcome = testCaseEndArgs.TestOutcome;
        var hits = Collect();
        bool overlapped;
        lock (_gate)
        {
            _running = Math.Max(0, _running - 1);
            overlapped = _overlapped;
            _overlapped = _running > 0;
        }

        WriteLine(writer =>
        {
            writer.WriteString("event", "test");
            writer.WriteString("name", test.FullyQualifiedName);
            writer.WriteString("display", test.DisplayName);
            writer.WriteString("class", ManagedType(test));
            writer.WriteString("source", test.CodeFilePath);
            writer.WriteString("outcome", outcome.ToString());
            if (overlapped)
            {
                writer.WriteBoolean("overlapped", true);
            }

            WriteHits(writer, hits);
        });
    }

    public void TestSessionEnd(TestSessionEndArgs testSessionEndArgs)
    {
        if (_output is null)
        {
            return;
        }

        // What ran after the last test's end: its own tear-down, or (NUnit, whose adapter reports out of step with
        // running) the last tests themselves. Per-class recording adds it to the class run; per-test ignores it.
        var rest = Collect();
        WriteLine(writer =>
        {
            writer.WriteString("event", "end");
            WriteHits(writer, rest);
        });
        _output.Dispose();
        _output = null;
    }

    public void Dispose() => _output?.Dispose();

    private List<(string Assembly, List<int> Ids)> Collect()
    {
        lock (_gate)
        {
            if (_seen.Count == 0)
            {
                foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
                {
                    _pending.Enqueue(loaded);
                }
            }

            while (_pending.Count > 0)
            {
                var assembly = _pending.Dequeue();
                if (!_seen.Add(assembly) || assembly.IsDynamic)
                {
                    continue;
                }

                try
                {
                    if (assembly.GetType(HitsTypeName, throwOnError: false)?.GetField("Hits", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is bool[] array)
                    {
                        _arrays.Add((assembly.GetName().Name ?? string.Empty, array));
                    }
                }
#pragma warning disable CA1031 // An assembly that cannot be inspected has no flags of ours.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }

            var result = new List<(string, List<int>)>();
            foreach (var (name, array) in _arrays)
            {
                var ids = new List<int>();
                for (var i = 0; i < array.Length; i++)
                {
                    if (array[i])
                    {
                        ids.Add(i);
                        array[i] = false;
                    }
                }

                if (ids.Count > 0)
                {
                    result.Add((name, ids));
                }
            }

            AddProcessHits(result);
            return result;
        }
    }

    /// <summary>
    /// The flags of processes that exited since the last look (<c>&lt;assembly&gt;.&lt;pid&gt;.hits</c>, one index a line):
    /// a tool or app a test started from the instrumented copy ran that test's code too.
    /// </summary>
    private void AddProcessHits(List<(string Assembly, List<int> Ids)> result)
    {
        var directory = _processHitsDirectory;
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        var own = "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".hits";
        foreach (var file in Directory.EnumerateFiles(directory, "*.hits").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var pid = name.LastIndexOf('.', name.Length - ".hits".Length - 1);
            if (name.EndsWith(own, StringComparison.Ordinal) || pid <= 0 || !_processFiles.Add(file))
            {
                continue;
            }

            var assembly = name[..pid];
            var ids = new List<int>();
            foreach (var line in File.ReadLines(file))
            {
                if (int.TryParse(line, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    ids.Add(id);
                }
            }

            var at = result.FindIndex(r => r.Assembly == assembly);
            if (at < 0)
            {
                result.Add((assembly, ids));
            }
            else
            {
                result[at] = (assembly, [.. result[at].Ids.Union(ids).Order()]);
            }
        }
    }

    private static void WriteHits(Utf8JsonWriter writer, List<(string Assembly, List<int> Ids)> hits)
    {
        writer.WriteStartObject("hits");
        foreach (var (assembly, ids) in hits)
        {
            writer.WriteStartArray(assembly);
            foreach (var id in ids)
            {
                writer.WriteNumberValue(id);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        lock (_gate)
        {
            _output!.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            _output.Flush();
        }
    }

    private static string? ManagedType(TestCase test)
    {
        foreach (var property in test.Properties)
        {
            if (property.Id == "TestCase.ManagedType" && test.GetPropertyValue(property) is string type && type.Length > 0)
            {
                return type;
            }
        }

        return null;
    }

    private static string? OutputPath(string? configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration))
        {
            try
            {
                var element = XElement.Parse(configuration);
                var output = element.Name.LocalName == "Output" ? element : element.Descendants("Output").FirstOrDefault();
                if (output is not null && output.Value.Trim().Length > 0)
                {
                    return output.Value.Trim();
                }
            }
            catch (System.Xml.XmlException)
            {
            }
        }

        return Environment.GetEnvironmentVariable("PIPELINES_IMPACT_OUTPUT");
    }
}
