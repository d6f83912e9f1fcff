using Pipelines.Adapters.ResultFiles;
using Pipelines.Core.Errors;
using Pipelines.Core.Planning;
using Pipelines.Testing;

namespace Pipelines.Adapters.Tests.ResultFiles;

[TestClass]
public sealed class TimingFileTests
{
    [TestMethod]
    public void A_written_history_reads_back_the_same_to_the_millisecond()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "cache", "timings.json");
        var history = new TimingHistory([
            new TestTiming("Shop.Tests.A.One", "Shop.Tests.A", null, [0.1234, 2, 3.5], "Shop.Tests.dll", ["billing", "smoke"]),
            new TestTiming("suite.case", "suite", "src/a.test.ts", [1]),
        ]);

        TimingFile.Write(path, history);
        var read = TimingFile.Read(path);

        Assert.AreEqual(2, read.Count);
        CollectionAssert.AreEqual(new[] { 0.123, 2, 3.5 }, read.Find("Shop.Tests.A.One")!.Seconds.ToArray());
        Assert.AreEqual("src/a.test.ts", read.Find("suite.case")!.File);
        Assert.AreEqual("Shop.Tests.dll", read.Find("Shop.Tests.A.One")!.Source);
        CollectionAssert.AreEqual(new[] { "billing", "smoke" }, read.Find("Shop.Tests.A.One")!.Categories!.ToArray());
        Assert.IsNull(read.Find("suite.case")!.Categories);
        Assert.IsFalse(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.tmp").Any(), "no temporary file left behind");
    }

    [TestMethod]
    public void A_missing_file_is_an_empty_history_a_cold_cache()
    {
        Assert.AreEqual(0, TimingFile.Read("/nonexistent/timings.json").Count);
    }

    [TestMethod]
    public void A_file_of_another_kind_is_bad_input()
    {
        using var dir = new TempDirectory();

        var wrongKind = Assert.ThrowsExactly<InputException>(() => TimingFile.Read(dir.Write("a.json", "{\"tests\": []}")));
        var notJson = Assert.ThrowsExactly<FileInputException>(() => TimingFile.Read(dir.Write("b.json", "{\n  \"format\": ")));

        StringAssert.Contains(wrongKind.Message, TimingFile.Format);
        Assert.AreEqual(2, notJson.Line);
    }
}
