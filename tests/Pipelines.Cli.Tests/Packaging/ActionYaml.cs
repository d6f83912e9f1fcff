using Pipelines.Testing;
using YamlDotNet.RepresentationModel;

namespace Pipelines.Cli.Tests.Packaging;

/// <summary>Reads the repository's action.yml files for the packaging tests.</summary>
internal static class ActionYaml
{
    public static YamlMappingNode Load(string relative) => LoadFile(SourceTree.PathOf(relative));

    public static YamlMappingNode LoadFile(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlMappingNode Section(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];
}
