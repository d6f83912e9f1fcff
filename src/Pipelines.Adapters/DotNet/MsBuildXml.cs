using System.Xml.Linq;
using Pipelines.Adapters.Files;

namespace Pipelines.Adapters.DotNet;

/// <summary>Project and import files parsed once per graph, however many projects import them.</summary>
internal sealed class MsBuildXml(IFileTree tree)
{
    private readonly Dictionary<string, XDocument?> _documents = new(StringComparer.Ordinal);

    /// <summary>The parsed file, or null when the tree has no such file.</summary>
    /// <exception cref="Core.Errors.FileInputException">The file is not well-formed XML, or past a limit of <see cref="InputLimits"/>.</exception>
    public XDocument? Load(string path)
    {
        if (_documents.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var text = tree.ReadText(path);
        XDocument? document = null;
        if (text is not null)
        {
            if (text.Length > InputLimits.MaxProjectFileBytes)
            {
                throw InputLimits.TooLarge(path, text.Length, InputLimits.MaxProjectFileBytes, "MSBuild file");
            }

            document = InputLimits.LoadXml(text, path, "not valid MSBuild XML");
        }

        _documents[path] = document;
        return document;
    }
}
