using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;

namespace Pipelines.Adapters.Tests.DotNet;

/// <summary>
/// A test assembly written with <see cref="PersistedAssemblyBuilder"/>, for the reader's rules that the sample projects
/// cannot show: categories on the assembly (they would tag every sample test) and attribute kinds the samples'
/// framework versions do not use. Its attributes come, as in real test assemblies, from another assembly: a stand-in
/// for MSTest, xUnit and NUnit that defines their attribute classes under their real full names, which is all the
/// reader goes by.
/// </summary>
internal sealed class EmittedTestAssembly
{
    /// <summary>The frameworks' attribute classes this stand-in defines.</summary>
    private static readonly string[] FrameworkAttributes =
    [
        "Microsoft.VisualStudio.TestTools.UnitTesting.TestClassAttribute",
        "Microsoft.VisualStudio.TestTools.UnitTesting.TestMethodAttribute",
        "Microsoft.VisualStudio.TestTools.UnitTesting.DataTestMethodAttribute",
        "Microsoft.VisualStudio.TestTools.UnitTesting.TestCategoryAttribute",
        "Xunit.FactAttribute",
        "Xunit.TheoryAttribute",
        "Xunit.TraitAttribute",
        "NUnit.Framework.TestAttribute",
        "NUnit.Framework.TheoryAttribute",
        "NUnit.Framework.CategoryAttribute",
    ];

    private static readonly Lazy<Assembly> Framework = new(EmitFramework);

    private readonly PersistedAssemblyBuilder _assembly;
    private readonly ModuleBuilder _module;
    private readonly List<TypeBuilder> _types = [];

    public EmittedTestAssembly(string name)
    {
        _assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        _module = _assembly.DefineDynamicModule(name);
    }

    /// <summary>A use of a framework attribute with string constructor arguments and, optionally, its named field <c>Category</c>.</summary>
    public static CustomAttributeBuilder Use(string fullName, string[]? args = null, string? category = null) =>
        Use(Framework.Value.GetType(fullName, throwOnError: true)!, args, category);

    /// <summary>A use of an attribute class, of the stand-in framework or defined with <see cref="DefineAttribute"/>.</summary>
    public static CustomAttributeBuilder Use(Type attribute, string[]? args = null, string? category = null)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        args ??= [];
        var constructor = attribute.GetConstructor([.. args.Select(_ => typeof(string))])!;
        return category is null
            ? new CustomAttributeBuilder(constructor, args)
            : new CustomAttributeBuilder(constructor, args, [attribute.GetField("Category")!], [category]);
    }

    /// <summary>An attribute class of this assembly deriving from the framework's <paramref name="baseName"/>, with a parameterless constructor.</summary>
    public Type DefineAttribute(string fullName, string baseName)
    {
        var parent = Framework.Value.GetType(baseName, throwOnError: true)!;
        var type = _module.DefineType(fullName, TypeAttributes.Public | TypeAttributes.Class, parent);
        var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.HasThis, Type.EmptyTypes);
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Call, parent.GetConstructor(Type.EmptyTypes)!);
        il.Emit(OpCodes.Ret);
        type.CreateType();
        return type;
    }

    public EmittedTestAssembly OnAssembly(CustomAttributeBuilder attribute)
    {
        _assembly.SetCustomAttribute(attribute);
        return this;
    }

    /// <summary>A public class with the given attributes, deriving from an earlier defined one if <paramref name="parent"/> is set.</summary>
    public TypeBuilder Class(string name, CustomAttributeBuilder[] attributes, TypeBuilder? parent = null, bool isAbstract = false, TypeBuilder? declaringType = null)
    {
        var flags = TypeAttributes.Class | (isAbstract ? TypeAttributes.Abstract : 0);
        var type = declaringType is null
            ? _module.DefineType(name, flags | TypeAttributes.Public, parent ?? typeof(object))
            : declaringType.DefineNestedType(name, flags | TypeAttributes.NestedPublic, parent ?? typeof(object));
        foreach (var attribute in attributes)
        {
            type.SetCustomAttribute(attribute);
        }

        _types.Add(type);
        return type;
    }

    public static void Method(TypeBuilder type, string name, params CustomAttributeBuilder[] attributes)
    {
        ArgumentNullException.ThrowIfNull(type);
        var method = type.DefineMethod(name, MethodAttributes.Public, typeof(void), Type.EmptyTypes);
        method.GetILGenerator().Emit(OpCodes.Ret);
        foreach (var attribute in attributes)
        {
            method.SetCustomAttribute(attribute);
        }
    }

    public string Save(string folder)
    {
        foreach (var type in _types)
        {
            type.CreateType();
        }

        var path = Path.Combine(folder, _assembly.GetName().Name + ".dll");
        _assembly.Save(path);
        return path;
    }

    /// <summary>Attribute classes only (no code that does anything), saved and loaded so test assemblies can refer to them.</summary>
    private static Assembly EmitFramework()
    {
        var builder = new PersistedAssemblyBuilder(new AssemblyName("Emitted.Frameworks"), typeof(object).Assembly);
        var module = builder.DefineDynamicModule("Emitted.Frameworks");
        var attributeConstructor = typeof(Attribute).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!;
        foreach (var name in FrameworkAttributes)
        {
            var type = module.DefineType(name, TypeAttributes.Public | TypeAttributes.Class, typeof(Attribute));
            type.DefineField("Category", typeof(string), FieldAttributes.Public);
            for (var arguments = 0; arguments <= 2; arguments++)
            {
                var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.HasThis, [.. Enumerable.Repeat(typeof(string), arguments)]);
                var il = constructor.GetILGenerator();
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Call, attributeConstructor);
                il.Emit(OpCodes.Ret);
            }

            type.CreateType();
        }

        // Loaded from memory: a file would be left behind in the temp folder for every run.
        using var image = new MemoryStream();
        builder.Save(image);
        image.Position = 0;
        return new AssemblyLoadContext("emitted-frameworks").LoadFromStream(image);
    }
}
