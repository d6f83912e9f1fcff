using System.Globalization;
using System.Text;
using Pipelines.Testing;

namespace Pipelines.Bench;

/// <summary>
/// A large .NET repository in a real git repo: test and library projects spread over areas, with a shared
/// Directory.Build.props, an imported eng/Test.targets, linked shared sources, references between libraries, and a
/// second commit that changes a given number of files (edits, additions and deletions).
/// </summary>
internal sealed class GeneratedRepository : IDisposable
{
    private const int Areas = 10;
    private const int SourceFilesPerLibrary = 8;
    private const int SourceFilesPerTestProject = 4;

    private GeneratedRepository(TemporaryRepository repo, int projects, int changedFiles)
    {
        Repository = repo;
        Projects = projects;
        ChangedFiles = changedFiles;
    }

    public TemporaryRepository Repository { get; }

    public int Projects { get; }

    public int ChangedFiles { get; }

    public string Path => Repository.Path;

    public static GeneratedRepository Create(int projects, int changedFiles)
    {
        var repo = new TemporaryRepository();
        var libraries = projects / 2;
        var random = new Random(20100501);
        var sources = new List<string>();

        repo.Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <RepoRoot>$(MSBuildThisFileDirectory)</RepoRoot>
              </PropertyGroup>
            </Project>
            """);
        repo.Write("Directory.Build.targets", """
            <Project>
              <Import Project="$(RepoRoot)eng/Test.targets" Condition="'$(ProjectType)' == 'Test'" />
            </Project>
            """);
        repo.Write("eng/Test.targets", """
            <Project>
              <PropertyGroup><IsTestProject>true</IsTestProject></PropertyGroup>
              <ItemGroup><PackageReference Include="MSTest" /></ItemGroup>
            </Project>
            """);
        repo.Write("Directory.Packages.props", "<Project><PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        for (var s = 0; s < 20; s++)
        {
            repo.Write($"src/Shared/Shared{s}.cs", $"namespace Shared; internal static class Shared{s} {{ }}");
        }

        var config = new StringBuilder("tests:\n  tags:\n");
        for (var a = 0; a < Areas; a++)
        {
            config.Append(CultureInfo.InvariantCulture, $"    area{a}: [\"src/Area{a}/**\"]\n");
        }

        config.Append("  always: [smoke]\n  ignore: [\"docs/**\"]\n  untagged: warn\n  infer: dotnet\n");
        repo.Write(".pipelines/pipelines.yml", config.ToString());

        for (var i = 0; i < libraries; i++)
        {
            var area = i % Areas;
            var dir = $"src/Area{area}/Lib{i}";
            var references = new StringBuilder();
            for (var r = 0; r < 3 && i > 0; r++)
            {
                var target = random.Next(i);
                references.Append(CultureInfo.InvariantCulture,
                    $"    <ProjectReference Include=\"..\\..\\Area{target % Areas}\\Lib{target}\\Lib{target}.csproj\" />\n");
            }

            var linked = i % 5 == 0
                ? $"    <Compile Include=\"..\\..\\Shared\\Shared{i % 20}.cs\" Link=\"Shared.cs\" />\n"
                : string.Empty;
            repo.Write($"{dir}/Lib{i}.csproj", $"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n{references}{linked}  </ItemGroup>\n</Project>\n");
            for (var f = 0; f < SourceFilesPerLibrary; f++)
            {
                sources.Add(Source(repo, $"{dir}/Type{f}.cs", $"Lib{i}", f));
            }

            var testDir = $"tests/Area{area}/Lib{i}.Tests";
            repo.Write($"{testDir}/Lib{i}.Tests.csproj",
                $"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><ProjectType>Test</ProjectType></PropertyGroup>\n  <ItemGroup>\n    <ProjectReference Include=\"..\\..\\..\\{dir.Replace('/', '\\')}\\Lib{i}.csproj\" />\n  </ItemGroup>\n</Project>\n");
            for (var f = 0; f < SourceFilesPerTestProject; f++)
            {
                sources.Add(Source(repo, $"{testDir}/Type{f}Tests.cs", $"Lib{i}.Tests", f));
            }
        }

        repo.Write("docs/index.md", "# docs");
        repo.Commit("generated: initial");

        // The change: mostly edits, some deletions and additions, spread evenly over the tree.
        var deletions = changedFiles / 40;
        var additions = changedFiles / 40;
        var edits = changedFiles - deletions - additions;
        if (edits + deletions > sources.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(changedFiles), $"the generated tree has only {sources.Count} source files");
        }

        var stride = (double)sources.Count / (edits + deletions);
        for (var n = 0; n < edits + deletions; n++)
        {
            var path = sources[(int)(n * stride)];
            if (n < edits)
            {
                repo.Write(path, "// edited\n" + File.ReadAllText(System.IO.Path.Combine(repo.Path, path)));
            }
            else
            {
                repo.Delete(path);
            }
        }

        for (var n = 0; n < additions; n++)
        {
            repo.Write($"src/Area{n % Areas}/Lib{n % libraries}/Added{n}.cs", $"class Added{n} {{ }}");
        }

        repo.Commit("generated: the change");
        return new GeneratedRepository(repo, libraries * 2, changedFiles);
    }

    private static string Source(TemporaryRepository repo, string path, string ns, int index)
    {
        repo.Write(path, $"namespace {ns};\n\ninternal sealed class Type{index}\n{{\n    public int Value {{ get; }} = {index};\n}}\n");
        return path;
    }

    public void Dispose() => Repository.Dispose();
}
