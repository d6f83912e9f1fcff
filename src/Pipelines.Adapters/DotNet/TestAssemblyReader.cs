using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Pipelines.Core.Errors;
using Pipelines.Core.Selection;

namespace Pipelines.Adapters.DotNet;

/// <summary>
/// Finds the tests of a built MSTest, xUnit or NUnit assembly and their categories by reading its metadata, never
/// loading it: no user code runs, and assemblies for any target framework can be read.
/// </summary>
/// <remarks>
/// Categories: MSTest <c>[TestCategory]</c>; xUnit <c>[Trait("Category", …)]</c>; NUnit <c>[Category]</c> and the
/// <c>Category</c> named argument of <c>[Test]</c>, <c>[TestCase]</c>, <c>[TestFixture]</c>; on the method, its
/// class, the class's base classes and the assembly. A custom attribute derived from MSTest's
/// <c>TestCategoryBaseAttribute</c> or NUnit's <c>CategoryAttribute</c> counts with its string arguments, or else
/// with its name less "Attribute" (NUnit's own rule; for MSTest the real names come from code we do not run).
/// Test attributes derived from the frameworks' own in the same assembly count too. Tests declared in an abstract
/// base class are reported for each concrete class that inherits them.
/// </remarks>
public static class TestAssemblyReader
{
    private const string MsTest = "Microsoft.VisualStudio.TestTools.UnitTesting.";
    private const string NUnit = "NUnit.Framework.";

    private static readonly Dictionary<string, string> TestAttributes = new(StringComparer.Ordinal)
    {
        // Base types in other assemblies cannot be followed, so each framework's own kinds are listed.
        [MsTest + "TestMethodAttribute"] = "mstest",
        [MsTest + "DataTestMethodAttribute"] = "mstest",
        ["Xunit.FactAttribute"] = "xunit",
        ["Xunit.TheoryAttribute"] = "xunit",
        [NUnit + "TestAttribute"] = "nunit",
        [NUnit + "TestCaseAttribute"] = "nunit",
        [NUnit + "TestCaseSourceAttribute"] = "nunit",
        [NUnit + "TheoryAttribute"] = "nunit",
    };

    /// <param name="path">The assembly on disk.</param>
    /// <param name="displayName">How to name it in results and errors (a repository-relative path).</param>
    public static IReadOnlyList<DiscoveredTest> Read(string path, string displayName)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new InputException($"{displayName}: not a .NET assembly (no metadata)");
            }

            using var lines = SourceLines.Open(pe, path);
            return new Reader(pe.GetMetadataReader(), displayName, lines).Tests();
        }
        catch (BadImageFormatException ex)
        {
            throw new InputException($"{displayName}: not a .NET assembly: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new InputException($"{displayName}: cannot read the assembly: {ex.Message}", ex);
        }
    }

    private sealed class Reader(MetadataReader md, string assembly, SourceLines? lines)
    {
        private readonly Dictionary<EntityHandle, string[]> _lineages = [];

        public List<DiscoveredTest> Tests()
        {
            var assemblyCategories = Categories(md.GetAssemblyDefinition().GetCustomAttributes());
            var tests = new List<DiscoveredTest>();
            foreach (var handle in md.TypeDefinitions)
            {
                var type = md.GetTypeDefinition(handle);
                if ((type.Attributes & System.Reflection.TypeAttributes.Abstract) != 0 || (type.Attributes & System.Reflection.TypeAttributes.Interface) != 0)
                {
                    continue;
                }

                var className = FullName(handle);
                var isMsTestClass = type.GetCustomAttributes().Any(a => Lineage(AttributeType(md.GetCustomAttribute(a))).Contains(MsTest + "TestClassAttribute"));
                var classCategories = new List<string>(assemblyCategories);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var methods = new List<(MethodDefinitionHandle Handle, string Framework, List<string> Categories)>();

                // The class and its base classes in this assembly: derived declarations hide base ones.
                for (var current = handle; !current.IsNil; current = BaseDefinition(current))
                {
                    var definition = md.GetTypeDefinition(current);
                    classCategories.AddRange(Categories(definition.GetCustomAttributes()));
                    foreach (var methodHandle in definition.GetMethods())
                    {
                        var method = md.GetMethodDefinition(methodHandle);
                        var framework = Framework(method.GetCustomAttributes());
                        if (framework is null || !seen.Add(md.GetString(method.Name)) || (framework == "mstest" && !isMsTestClass))
                        {
                            continue;
                        }

                        methods.Add((methodHandle, framework, Categories(method.GetCustomAttributes())));
                    }
                }

                foreach (var (methodHandle, framework, categories) in methods)
                {
                    var location = lines?.Locate(methodHandle);
                    tests.Add(new DiscoveredTest(
                        assembly,
                        className,
                        md.GetString(md.GetMethodDefinition(methodHandle).Name),
                        framework,
                        [.. categories.Concat(classCategories).Distinct(StringComparer.Ordinal)],
                        location?.File,
                        location?.Line));
                }
            }

            return tests;
        }

        private string? Framework(CustomAttributeHandleCollection attributes)
        {
            foreach (var attribute in attributes)
            {
                foreach (var name in Lineage(AttributeType(md.GetCustomAttribute(attribute))))
                {
                    if (TestAttributes.TryGetValue(name, out var framework))
                    {
                        return framework;
                    }
                }
            }

            return null;
        }

        private List<string> Categories(CustomAttributeHandleCollection attributes)
        {
            var categories = new List<string>();
            foreach (var handle in attributes)
            {
                var attribute = md.GetCustomAttribute(handle);
                var lineage = Lineage(AttributeType(attribute));
                if (lineage.Length == 0)
                {
                    continue;
                }

                var own = lineage[0];
                if (own is MsTest + "TestCategoryAttribute")
                {
                    categories.AddRange(Strings(attribute).Take(1));
                }
                else if (own == "Xunit.TraitAttribute")
                {
                    var args = Strings(attribute);
                    if (args.Count == 2 && args[0].Equals("Category", StringComparison.OrdinalIgnoreCase))
                    {
                        categories.Add(args[1]);
                    }
                }
                else if (lineage.Contains(MsTest + "TestCategoryBaseAttribute") || lineage.Contains(NUnit + "CategoryAttribute"))
                {
                    var args = Strings(attribute);
                    categories.AddRange(args.Count > 0 ? args : [ShortName(own)]);
                }
                else if (own is NUnit + "TestFixtureAttribute" || TestAttributes.ContainsKey(own) && own.StartsWith(NUnit, StringComparison.Ordinal))
                {
                    categories.AddRange(NamedString(attribute, "Category")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []);
                }
            }

            return categories;
        }

        private static List<string> Strings(CustomAttribute attribute)
        {
            var value = Decode(attribute);
            return value is null ? [] : [.. value.Value.FixedArguments.Select(a => a.Value).OfType<string>()];
        }

        private static string? NamedString(CustomAttribute attribute, string name) =>
            Decode(attribute)?.NamedArguments.FirstOrDefault(a => a.Name == name).Value as string;

        private static CustomAttributeValue<string>? Decode(CustomAttribute attribute)
        {
            try
            {
                return attribute.DecodeValue(NameProvider.Instance);
            }
            catch (BadImageFormatException)
            {
                return null; // an enum argument of a size we guessed wrong: its strings are not worth failing for
            }
        }

        private EntityHandle AttributeType(CustomAttribute attribute) => attribute.Constructor.Kind switch
        {
            HandleKind.MethodDefinition => md.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            _ => default,
        };

        /// <summary>The type's full name, then its base types' as far as this assembly defines them.</summary>
        private string[] Lineage(EntityHandle type)
        {
            if (type.IsNil)
            {
                return [];
            }

            if (_lineages.TryGetValue(type, out var cached))
            {
                return cached;
            }

            var names = new List<string>();
            var current = type;
            while (!current.IsNil && names.Count < 32)
            {
                if (current.Kind == HandleKind.TypeDefinition)
                {
                    var definition = (TypeDefinitionHandle)current;
                    names.Add(FullName(definition));
                    current = md.GetTypeDefinition(definition).BaseType;
                }
                else if (current.Kind == HandleKind.TypeReference)
                {
                    names.Add(FullName((TypeReferenceHandle)current));
                    break; // defined elsewhere: its own name is all we can know
                }
                else
                {
                    break;
                }
            }

            return _lineages[type] = [.. names];
        }

        private TypeDefinitionHandle BaseDefinition(TypeDefinitionHandle type) =>
            md.GetTypeDefinition(type).BaseType is { Kind: HandleKind.TypeDefinition } baseType ? (TypeDefinitionHandle)baseType : default;

        private string FullName(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var name = md.GetString(type.Name);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
            {
                return FullName(declaring) + "+" + name;
            }

            var ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        private string FullName(TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            var name = md.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                return FullName((TypeReferenceHandle)type.ResolutionScope) + "+" + name;
            }

            var ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        private static string ShortName(string fullName)
        {
            var name = fullName[(fullName.LastIndexOfAny(['.', '+']) + 1)..];
            return name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > "Attribute".Length ? name[..^"Attribute".Length] : name;
        }
    }

    /// <summary>Type names are all we need from attribute signatures.</summary>
    private sealed class NameProvider : ICustomAttributeTypeProvider<string>
    {
        public static readonly NameProvider Instance = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == "System.Type";
    }

    /// <summary>Source file and line of methods from the assembly's portable PDB, for annotations.</summary>
    private sealed class SourceLines(MetadataReaderProvider provider) : IDisposable
    {
        private readonly MetadataReader _pdb = provider.GetMetadataReader();

        public static SourceLines? Open(PEReader pe, string path)
        {
            try
            {
                return pe.TryOpenAssociatedPortablePdb(path, p => File.Exists(p) ? File.OpenRead(p) : null, out var provider, out _) && provider is not null
                    ? new SourceLines(provider)
                    : null;
            }
            catch (Exception ex) when (ex is BadImageFormatException or IOException or InvalidOperationException)
            {
                return null; // no PDB, or not a portable one: tests are still found, just without lines
            }
        }

        public (string File, int Line)? Locate(MethodDefinitionHandle method)
        {
            var points = _pdb.GetMethodDebugInformation(method.ToDebugInformationHandle()).GetSequencePoints();
            foreach (var point in points)
            {
                if (!point.IsHidden)
                {
                    return (_pdb.GetString(_pdb.GetDocument(point.Document).Name), point.StartLine);
                }
            }

            return null;
        }

        public void Dispose() => provider.Dispose();
    }
}
