using System.Xml;
using System.Xml.Linq;
using Pipelines.Adapters.Files;
using Pipelines.Core.Errors;

namespace Pipelines.Adapters.DotNet;

/// <summary>Project and import files parsed once per graph, however many projects import them.</summary>
internal sealed class MsBuildXml(IFileTree tree)
{
    private readonly Dictionary<string, XDocument?> _documents = new(StringComparer.Ordinal);

    /// <summary>The parsed file, or null when the tree has no such file.</summary>
    /// <exception cref="FileInputException">The file is not well-formed XML.</exception>
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
            try
            {
                document = XDocument.Parse(text, LoadOptions.SetLineInfo);
            }
            catch (XmlException ex)
            {
                throw InputException.At(path, ex.LineNumber, ex.LinePosition, "not valid MSBuild XML: " + ex.Message);
            }
        }

        _documents[path] = document;
        return document;
    }
}
