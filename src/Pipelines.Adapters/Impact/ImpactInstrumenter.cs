using MetadataReader = System.Reflection.Metadata.MetadataReader;
using MetadataReaderProvider = System.Reflection.Metadata.MetadataReaderProvider;
using System.Reflection.PortableExecutable;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Pipelines.Adapters.Impact;

/// <summary>An assembly the instrumenter rewrote: its flags' index is the position in <see cref="Documents"/>.</summary>
/// <param name="Name">The assembly's simple name, as the collector reports it.</param>
/// <param name="Documents">Repository-relative paths of the source files its symbols name, by flag index.</param>
public sealed record InstrumentedAssembly(string Name, string File, IReadOnlyList<string> Documents);

/// <summary>
/// Rewrites a test project's build output so that running code records which repository source files it came from.
/// Each assembly whose debug symbols name files of the repository gets a type <c>&lt;PipelinesImpact&gt;Hits</c> with one
/// flag per file, and every method sets the flags of its own files on entry (four IL instructions per file, no call),
/// plus the files of any type whose static fields it touches: a test that reads a table an earlier test's static
/// constructor filled still records the table's file.
/// </summary>
public static class ImpactInstrumenter
{
    public const string HitsTypeName = "<PipelinesImpact>Hits";
    public const string HitsFieldName = "Hits";

    /// <summary>
    /// When set, each instrumented assembly writes its set flags' indices, one a line, to
    /// <c>&lt;folder&gt;/&lt;assembly&gt;.&lt;process id&gt;.hits</c> as its process exits: the flags of a test process the
    /// in-process collector never sees (xUnit v3 runs each test assembly as a process of its own).
    /// </summary>
    public const string HitsDirectoryVariable = "PIPELINES_IMPACT_HITS_DIR";

    /// <param name="sourceDirectory">The build output, read only.</param>
    /// <param name="targetDirectory">A copy of it, where the rewritten assemblies replace the originals.</param>
    /// <param name="repositoryRoot">The repository's top folder: only files below it count.</param>
    /// <param name="isTracked">Whether a repository-relative path is a tracked file (generated files in obj/ are not).</param>
    /// <param name="frameworkDirectories">
    /// Shared framework folders (Microsoft.NETCore.App and the like) where references such as System.Runtime resolve:
    /// a single-file CLI has no framework folder of its own for Cecil to look in.
    /// </param>
    public static IReadOnlyList<InstrumentedAssembly> Instrument(
        string sourceDirectory, string targetDirectory, string repositoryRoot, Func<string, bool> isTracked, IReadOnlyList<string>? frameworkDirectories = null)
    {
        ArgumentNullException.ThrowIfNull(isTracked);
        var root = Path.GetFullPath(repositoryRoot).TrimEnd('/', '\\');
        string? Relative(string url)
        {
            string? relative = null;
            var normalized = url.Replace('\\', '/');
            if (normalized.StartsWith("/_/", StringComparison.Ordinal))
            {
                relative = normalized[3..]; // deterministic builds map the repository root to /_/
            }
            else if (Path.IsPathRooted(url))
            {
                var full = Path.GetFullPath(url);
                if (full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    relative = full[(root.Length + 1)..].Replace('\\', '/');
                }
            }

            return relative is not null && isTracked(relative) ? relative : null;
        }

        var candidates = Directory.EnumerateFiles(sourceDirectory, "*.dll", SearchOption.TopDirectoryOnly)
            .Where(f => NamesRepositoryFiles(f, Relative))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        using var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(sourceDirectory);
        foreach (var directory in frameworkDirectories ?? [])
        {
            resolver.AddSearchDirectory(directory);
        }
        var modules = new List<ModuleState>();
        try
        {
            foreach (var file in candidates)
            {
                var module = ModuleDefinition.ReadModule(file, new ReaderParameters
                {
                    ReadSymbols = true,
                    AssemblyResolver = resolver,
                    ReadingMode = ReadingMode.Immediate,
                    InMemory = true,
                });
                modules.Add(ModuleState.Create(module, file, Relative));
            }

            var byName = modules.Where(m => m.Documents.Count > 0).ToDictionary(m => m.Module.Assembly.Name.Name, StringComparer.Ordinal);
            var result = new List<InstrumentedAssembly>();
            foreach (var state in byName.Values)
            {
                state.AddProbes(byName);
                var target = Path.Combine(targetDirectory, Path.GetFileName(state.File));
                state.Module.Write(target, new WriterParameters { WriteSymbols = state.Module.HasSymbols });
                result.Add(new InstrumentedAssembly(state.Module.Assembly.Name.Name, target, state.Documents));
            }

            return result;
        }
        finally
        {
            foreach (var state in modules)
            {
                state.Module.Dispose();
            }
        }
    }

    /// <summary>A cheap look at the symbols before Cecil reads the whole assembly: most of an output folder is packages.</summary>
    private static bool NamesRepositoryFiles(string file, Func<string, string?> relative)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return false;
            }

            var pdb = Path.ChangeExtension(file, ".pdb");
            if (File.Exists(pdb))
            {
                using var pdbStream = File.OpenRead(pdb);
                using var provider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
                return AnyDocument(provider.GetMetadataReader(), relative);
            }

            foreach (var entry in pe.ReadDebugDirectory())
            {
                if (entry.Type == DebugDirectoryEntryType.EmbeddedPortablePdb)
                {
                    using var provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(entry);
                    return AnyDocument(provider.GetMetadataReader(), relative);
                }
            }
        }
        catch (Exception ex) when (ex is BadImageFormatException or IOException or InvalidOperationException)
        {
            // Not a managed assembly, or symbols of another kind (Windows PDB): nothing we can instrument.
        }

        return false;
    }

    private static bool AnyDocument(MetadataReader reader, Func<string, string?> relative) =>
        reader.Documents.Any(handle => relative(reader.GetString(reader.GetDocument(handle).Name)) is not null);

    private sealed class ModuleState
    {
        private readonly Dictionary<TypeDefinition, int[]> _typeDocuments = [];

        // Document URL → flag index, or -1 for a file outside the repository: URLs repeat across methods.
        private readonly Dictionary<string, int> _urlIds = new(StringComparer.Ordinal);

        private ModuleState(ModuleDefinition module, string file, List<string> documents)
        {
            Module = module;
            File = file;
            Documents = documents;
        }

        public ModuleDefinition Module { get; }

        public string File { get; }

        public List<string> Documents { get; }

        public FieldDefinition? HitsField { get; private set; }

        public static ModuleState Create(ModuleDefinition module, string file, Func<string, string?> relative)
        {
            var paths = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var method in AllMethods(module))
            {
                foreach (var point in method.DebugInformation.SequencePoints)
                {
                    if (relative(point.Document.Url) is { } path)
                    {
                        paths.Add(path);
                    }
                }
            }

            var documents = paths.ToList();
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < documents.Count; i++)
            {
                ids[documents[i]] = i;
            }

            var state = new ModuleState(module, file, documents);
            var urls = state._urlIds;
            foreach (var type in module.GetTypes())
            {
                var set = new SortedSet<int>();
                foreach (var method in type.Methods.Where(m => m.HasBody))
                {
                    foreach (var point in method.DebugInformation.SequencePoints)
                    {
                        if (!urls.TryGetValue(point.Document.Url, out var id))
                        {
                            id = relative(point.Document.Url) is { } path ? ids[path] : -1;
                            urls[point.Document.Url] = id;
                        }

                        if (id >= 0)
                        {
                            set.Add(id);
                        }
                    }
                }

                state._typeDocuments[type] = [.. set];
            }

            if (documents.Count > 0)
            {
                state.HitsField = AddHitsType(module, documents.Count);
            }

            return state;
        }

        public void AddProbes(IReadOnlyDictionary<string, ModuleState> instrumented)
        {
            foreach (var type in Module.GetTypes().ToList())
            {
                if (type.Name == HitsTypeName && type.Namespace.Length == 0)
                {
                    continue;
                }

                foreach (var method in type.Methods.Where(m => m.HasBody))
                {
                    var probes = new List<(FieldReference Field, int Id)>();
                    var seen = new HashSet<(ModuleState, int)>();
                    foreach (var id in MethodDocuments(method))
                    {
                        if (seen.Add((this, id)))
                        {
                            probes.Add((HitsField!, id));
                        }
                    }

                    foreach (var instruction in method.Body.Instructions)
                    {
                        if ((instruction.OpCode.Code is Code.Ldsfld or Code.Ldsflda or Code.Stsfld) && instruction.Operand is FieldReference field)
                        {
                            foreach (var (owner, id) in FieldDocuments(field, instrumented))
                            {
                                if (seen.Add((owner, id)))
                                {
                                    probes.Add((owner == this ? HitsField! : Module.ImportReference(owner.HitsField), id));
                                }
                            }
                        }
                    }

                    if (probes.Count > 0)
                    {
                        InsertProbes(method, probes);
                    }
                }
            }
        }

        private IEnumerable<int> MethodDocuments(MethodDefinition method)
        {
            foreach (var point in method.DebugInformation.SequencePoints)
            {
                if (!point.IsHidden && _urlIds.TryGetValue(point.Document.Url, out var id) && id >= 0)
                {
                    yield return id;
                }
            }
        }

        private IEnumerable<(ModuleState Owner, int Id)> FieldDocuments(FieldReference field, IReadOnlyDictionary<string, ModuleState> instrumented)
        {
            var declaring = field.DeclaringType.GetElementType();
            ModuleState? owner = null;
            TypeDefinition? type = null;
            if (declaring.Scope is ModuleDefinition scope && scope == Module)
            {
                owner = this;
                type = declaring as TypeDefinition ?? Module.GetType(declaring.FullName);
            }
            else if (declaring.Scope is AssemblyNameReference assembly && instrumented.TryGetValue(assembly.Name, out var other))
            {
                owner = other;
                type = other.Module.GetType(declaring.FullName);
            }

            if (owner is null || type is null || !owner._typeDocuments.TryGetValue(type, out var ids))
            {
                yield break;
            }

            foreach (var id in ids)
            {
                yield return (owner, id);
            }
        }

        private static void InsertProbes(MethodDefinition method, List<(FieldReference Field, int Id)> probes)
        {
            // Inserted before the first instruction: branches are relative, handlers and sequence points keep their
            // instructions, so nothing else moves; a branch back to the start skips the probes, which already ran.
            var il = method.Body.GetILProcessor();
            var first = method.Body.Instructions[0];
            foreach (var (field, id) in probes)
            {
                il.InsertBefore(first, il.Create(OpCodes.Ldsfld, field));
                il.InsertBefore(first, il.Create(OpCodes.Ldc_I4, id));
                il.InsertBefore(first, il.Create(OpCodes.Ldc_I4_1));
                il.InsertBefore(first, il.Create(OpCodes.Stelem_I1));
            }
        }

        private static FieldDefinition AddHitsType(ModuleDefinition module, int count)
        {
            var type = new TypeDefinition(string.Empty, HitsTypeName,
                TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.Class | TypeAttributes.BeforeFieldInit,
                module.TypeSystem.Object);
            var field = new FieldDefinition(HitsFieldName, FieldAttributes.Public | FieldAttributes.Static, new ArrayType(module.TypeSystem.Boolean));
            type.Fields.Add(field);
            var constructor = new MethodDefinition(".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
                module.TypeSystem.Void);
            var il = constructor.Body.GetILProcessor();
            il.Emit(OpCodes.Ldc_I4, count);
            il.Emit(OpCodes.Newarr, module.TypeSystem.Boolean);
            il.Emit(OpCodes.Stsfld, field);
            // Without the variable the constructor does nothing more: the per-test mode reads the flags in process.
            var write = AddWriteOnExit(module, type, field);
            var core = module.TypeSystem.CoreLibrary;
            var environment = new TypeReference("System", "Environment", module, core);
            var appDomain = new TypeReference("System", "AppDomain", module, core);
            var eventHandler = new TypeReference("System", "EventHandler", module, core);
            var getVariable = new MethodReference("GetEnvironmentVariable", module.TypeSystem.String, environment);
            getVariable.Parameters.Add(new ParameterDefinition(module.TypeSystem.String));
            var currentDomain = new MethodReference("get_CurrentDomain", appDomain, appDomain);
            var handlerConstructor = new MethodReference(".ctor", module.TypeSystem.Void, eventHandler) { HasThis = true };
            handlerConstructor.Parameters.Add(new ParameterDefinition(module.TypeSystem.Object));
            handlerConstructor.Parameters.Add(new ParameterDefinition(module.TypeSystem.IntPtr));
            var addProcessExit = new MethodReference("add_ProcessExit", module.TypeSystem.Void, appDomain) { HasThis = true };
            addProcessExit.Parameters.Add(new ParameterDefinition(eventHandler));
            var end = il.Create(OpCodes.Ret);
            il.Emit(OpCodes.Ldstr, HitsDirectoryVariable);
            il.Emit(OpCodes.Call, getVariable);
            il.Emit(OpCodes.Brfalse, end);
            il.Emit(OpCodes.Call, currentDomain);
            il.Emit(OpCodes.Ldnull);
            il.Emit(OpCodes.Ldftn, write);
            il.Emit(OpCodes.Newobj, handlerConstructor);
            il.Emit(OpCodes.Callvirt, addProcessExit);
            il.Append(end);
            type.Methods.Add(constructor);
            module.Types.Add(type);
            return field;
        }

        /// <summary>
        /// <c>static void WriteOnExit(object, EventArgs)</c>: the set flags' indices, one a line, to
        /// <c>Path.Combine(dir, "&lt;assembly&gt;." + Environment.ProcessId + ".hits")</c>.
        /// </summary>
        private static MethodDefinition AddWriteOnExit(ModuleDefinition module, TypeDefinition type, FieldDefinition field)
        {
            var core = module.TypeSystem.CoreLibrary;
            TypeReference Type(string ns, string name) => new(ns, name, module, core);
            MethodReference Method(TypeReference owner, string name, TypeReference returns, bool instance, params TypeReference[] parameters)
            {
                var method = new MethodReference(name, returns, owner) { HasThis = instance };
                foreach (var parameter in parameters)
                {
                    method.Parameters.Add(new ParameterDefinition(parameter));
                }

                return method;
            }

            var ts = module.TypeSystem;
            var builder = Type("System.Text", "StringBuilder");
            var method = new MethodDefinition("WriteOnExit", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, ts.Void);
            method.Parameters.Add(new ParameterDefinition("sender", ParameterAttributes.None, ts.Object));
            method.Parameters.Add(new ParameterDefinition("e", ParameterAttributes.None, Type("System", "EventArgs")));
            var body = method.Body;
            body.InitLocals = true;
            var text = new VariableDefinition(builder);
            var i = new VariableDefinition(ts.Int32);
            var pid = new VariableDefinition(ts.Int32);
            body.Variables.Add(text);
            body.Variables.Add(i);
            body.Variables.Add(pid);
            var il = body.GetILProcessor();
            var condition = il.Create(OpCodes.Ldloc, i);
            var next = il.Create(OpCodes.Ldloc, i);
            il.Emit(OpCodes.Newobj, Method(builder, ".ctor", ts.Void, true));
            il.Emit(OpCodes.Stloc, text);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Stloc, i);
            il.Emit(OpCodes.Br, condition);
            var loop = il.Create(OpCodes.Ldsfld, field);
            il.Append(loop);
            il.Emit(OpCodes.Ldloc, i);
            il.Emit(OpCodes.Ldelem_U1);
            il.Emit(OpCodes.Brfalse, next);
            il.Emit(OpCodes.Ldloc, text);
            il.Emit(OpCodes.Ldloc, i);
            il.Emit(OpCodes.Callvirt, Method(builder, "Append", builder, true, ts.Int32));
            il.Emit(OpCodes.Ldc_I4, '\n');
            il.Emit(OpCodes.Callvirt, Method(builder, "Append", builder, true, ts.Char));
            il.Emit(OpCodes.Pop);
            il.Append(next);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, i);
            il.Append(condition);
            il.Emit(OpCodes.Ldsfld, field);
            il.Emit(OpCodes.Ldlen);
            il.Emit(OpCodes.Conv_I4);
            il.Emit(OpCodes.Blt, loop);
            il.Emit(OpCodes.Ldstr, HitsDirectoryVariable);
            il.Emit(OpCodes.Call, Method(Type("System", "Environment"), "GetEnvironmentVariable", ts.String, false, ts.String));
            il.Emit(OpCodes.Ldstr, module.Assembly.Name.Name + ".");
            il.Emit(OpCodes.Call, Method(Type("System", "Environment"), "get_ProcessId", ts.Int32, false));
            il.Emit(OpCodes.Stloc, pid);
            il.Emit(OpCodes.Ldloca, pid);
            il.Emit(OpCodes.Call, Method(ts.Int32, "ToString", ts.String, true));
            il.Emit(OpCodes.Ldstr, ".hits");
            il.Emit(OpCodes.Call, Method(ts.String, "Concat", ts.String, false, ts.String, ts.String, ts.String));
            il.Emit(OpCodes.Call, Method(Type("System.IO", "Path"), "Combine", ts.String, false, ts.String, ts.String));
            il.Emit(OpCodes.Ldloc, text);
            il.Emit(OpCodes.Callvirt, Method(ts.Object, "ToString", ts.String, true));
            il.Emit(OpCodes.Call, Method(Type("System.IO", "File"), "WriteAllText", ts.Void, false, ts.String, ts.String));
            il.Emit(OpCodes.Ret);
            type.Methods.Add(method);
            return method;
        }

        private static IEnumerable<MethodDefinition> AllMethods(ModuleDefinition module) =>
            module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody);
    }
}
