using Pipelines.Adapters.Metrics;

namespace Pipelines.Adapters.Tests.Metrics;

[TestClass]
public sealed class PrometheusTextTests
{
    private const string Exposition = """
        # HELP http_requests_total Requests served.
        # TYPE http_requests_total counter
        http_requests_total{method="GET",code="200"} 1027 1395066363000
        http_requests_total{method="POST",code="500"} 3
        http_requests_total{method="GET",code="503",path="C:\\dir \"quoted\""} 2
        latency_p95_seconds 0.25
        weird_gauge NaN
        up_forever +Inf
        """;

    [TestMethod]
    public void Samples_are_read_with_labels_unescaped_and_timestamps_ignored()
    {
        var samples = PrometheusText.Parse(Exposition);

        Assert.HasCount(6, samples);
        Assert.AreEqual(1027, samples[0].Value);
        Assert.AreEqual("C:\\dir \"quoted\"", samples[2].Labels["path"]);
        Assert.IsTrue(double.IsNaN(samples[4].Value));
        Assert.AreEqual(double.PositiveInfinity, samples[5].Value);
    }

    [TestMethod]
    [DataRow("http_requests_total", 1032.0)]
    [DataRow("http_requests_total{code=\"200\"}", 1027.0)]
    [DataRow("http_requests_total{code!=\"200\"}", 5.0)]
    [DataRow("http_requests_total{code=~\"5..\"}", 5.0)]
    [DataRow("http_requests_total{code=~\"5..\",method!~\"P.*\"}", 2.0)]
    public void Selectors_match_as_PromQL_matchers_do(string selector, double sum)
    {
        var parsed = PrometheusText.ParseSelector(selector);

        Assert.AreEqual(sum, PrometheusText.Parse(Exposition).Where(parsed.Matches).Sum(s => s.Value));
    }

    [TestMethod]
    public void A_selector_with_anything_after_it_is_refused()
    {
        Assert.ThrowsExactly<FormatException>(() => PrometheusText.ParseSelector("rate(http_requests_total[5m])"));
    }

    [TestMethod]
    public void A_matcher_that_backtracks_exponentially_is_matched_in_bounded_time_not_a_timeout_crash()
    {
        var selector = PrometheusText.ParseSelector("requests_total{path=~\"(a+)+$\"}");
        var sample = new PrometheusSample("requests_total", new Dictionary<string, string> { ["path"] = new string('a', 40) + "!" }, 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.IsFalse(selector.Matches(sample));
        Assert.IsLessThan(5, clock.Elapsed.TotalSeconds);
    }

    [TestMethod]
    public void An_invalid_regex_matcher_is_refused_in_words_when_the_selector_is_parsed()
    {
        var error = Assert.ThrowsExactly<FormatException>(() => PrometheusText.ParseSelector("requests_total{code=~\"5((\"}"));

        Assert.AreEqual("code=~\"5((\" is not a regular expression: insufficient closing parentheses near character 3", error.Message);
    }
}
