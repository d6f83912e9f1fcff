using System.Globalization;
using System.Text;
using Pipelines.Testing;

namespace Pipelines.Fuzz.Tests;

/// <summary>
/// The inputs the campaigns start from: real files from <c>tests/data</c> and <c>tests/samples</c> (what real tools
/// write), and small files in every shape each parser documents.
/// </summary>
internal static class Seeds
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static IReadOnlyList<byte[]> Trx { get; } =
    [
        FuzzCampaign.Data("tests", "data", "test-results", "dotnet-xunitv3.trx"),
        FuzzCampaign.Data("tests", "data", "test-results", "SilentNotes.trx"),
        Utf8(SmallTrx()),
        Utf8("""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="old mstest" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2006">
              <Times creation="2026-11-01T10:00:00.0000000+00:00" start="2026-11-01T10:00:00.0000000+00:00" />
              <TestDefinitions>
                <UnitTest name="Adds" storage="c:\build\shop.tests.dll" id="a1"><TestMethod codeBase="c:\build\Shop.Tests.dll" className="Shop.Tests.Cart, Shop.Tests, Version=1.0.0.0" name="Adds" /></UnitTest>
              </TestDefinitions>
              <Results>
                <UnitTestResult executionId="e1" testId="a1" testName="Adds" duration="00:00:01.5000000" outcome="Failed">
                  <Output><ErrorInfo><Message>Assert.AreEqual failed</Message><StackTrace>at Shop.Tests.Cart.Adds()</StackTrace></ErrorInfo></Output>
                  <InnerResults><UnitTestResult executionId="e2" testId="a1" testName="Adds (1)" duration="00:00:00.5" outcome="Passed" /></InnerResults>
                </UnitTestResult>
              </Results>
            </TestRun>
            """),
    ];

    public static IReadOnlyList<byte[]> JUnit { get; } =
    [
        Utf8("""
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="jest tests" tests="4" failures="1" time="1.5">
              <testsuite name="cart" timestamp="2026-11-01T10:00:00" file="src/cart.test.js" time="1.2">
                <testcase classname="cart adds" name="an item" time="0.5" />
                <testcase classname="cart adds" name="two items" time="0.25"><failure message="expected 2">Error: expected 2
                at Object.&lt;anonymous&gt; (src/cart.test.js:10:5)</failure></testcase>
                <testcase classname="" name="empty class" time="1,234.5" file="src/other.test.js"><skipped /></testcase>
                <testsuite name="nested"><testcase name="inner" time="0.1"><error message="boom" /></testcase></testsuite>
              </testsuite>
              <testsuite name="pytest" time="0.3"><testcase classname="tests.test_api.TestApi" name="test_get[1-2]" time="0.3"><properties><property name="x" value="y"/></properties><system-out>out</system-out></testcase></testsuite>
            </testsuites>
            """),
        Utf8("""
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="com.example.CartTest" tests="2" failures="0" errors="0" skipped="0" time="0.05" timestamp="2026-11-01T10:00:00">
              <properties><property name="java.version" value="21"/></properties>
              <testcase name="adds" classname="com.example.CartTest" time="0.03"/>
              <testcase name="removes" classname="com.example.CartTest" time="0.02"><disabled/></testcase>
            </testsuite>
            """),
        Slice(FuzzCampaign.Data("tests", "data", "test-results", "pulsar-test-report.xml"), 12_000, "</testsuite></testsuites>"),
    ];

    public static IReadOnlyList<byte[]> NUnit { get; } =
    [
        FuzzCampaign.Data("tests", "data", "test-results", "dotnet-nunit.xml"),
        Utf8("""
            <?xml version="1.0" encoding="utf-8"?>
            <test-run id="2" testcasecount="3" result="Failed" total="3" passed="1" failed="1" skipped="1" start-time="2026-11-01 10:00:00Z" duration="1.5">
              <test-suite type="Assembly" name="Shop.Tests.dll" fullname="/build/Shop.Tests.dll">
                <properties><property name="Category" value="slow" /></properties>
                <test-suite type="TestFixture" name="CartTests" fullname="Shop.Tests.CartTests" classname="Shop.Tests.CartTests">
                  <test-case id="1" name="Adds(1,2)" fullname="Shop.Tests.CartTests.Adds(1,2)" methodname="Adds" classname="Shop.Tests.CartTests" result="Passed" duration="0.5">
                    <properties><property name="Category" value="billing" /></properties>
                  </test-case>
                  <test-case id="2" name="Removes" fullname="Shop.Tests.CartTests.Removes" methodname="Removes" classname="Shop.Tests.CartTests" result="Failed" duration="1.0">
                    <failure><message><![CDATA[Expected 1]]></message><stack-trace>at Shop.Tests.CartTests.Removes()</stack-trace></failure>
                  </test-case>
                  <test-case id="3" name="Later" fullname="Shop.Tests.CartTests.Later" result="Skipped" duration="0" />
                </test-suite>
              </test-suite>
            </test-run>
            """),
    ];

    public static IReadOnlyList<byte[]> Timings { get; } =
    [
        Utf8("""
            {"format":"pipelines-timings/1","tests":[
              {"id":"Shop.Tests.CartTests.Adds","class":"Shop.Tests.CartTests","source":"/build/Shop.Tests.dll","categories":["billing"],"seconds":[0.5,0.75,1.25]},
              {"id":"cart adds.an item","class":"cart adds","file":"src/cart.test.js","seconds":[0.1]},
              {"id":"Shop.Tests.Slow.Waits","class":"Shop.Tests.Slow","seconds":[120,118.5]}
            ]}
            """),
        Utf8("""{"format":"pipelines-timings/1","tests":[]}"""),
    ];

    /// <summary>Every section of the policy file, with every kind of value it takes.</summary>
    public static IReadOnlyList<byte[]> Policy { get; } =
    [
        FuzzCampaign.Data("samples", "shop", ".pipelines", "pipelines.yml"),
        Utf8("""
            # every section
            tests:
              tags:
                billing: ["src/Billing/**", "!src/Billing/Docs/**"]
                web: src/Web/**
                "api-v2": ['src/Api/**/*.cs', "src/Shared/{Api,Web}/*.cs"]
              always: [smoke, contract]
              ignore:
                - docs/**
                - "**/*.md"
              untagged: warn
              infer: dotnet
              filter-syntax: xunit
              plan:
                by: class
                order: random
                target-minutes: 12.5
                max-shards: 40
                default-seconds: 2
                dependencies:
                  "Shop.Tests.Checkout": ["Shop.Tests.Cart", "Shop.Tests.Billing"]
                fixed-order: [Shop.Tests.Migrations]
            revert:
              opt-out-trailer: "Revert-On-Red: no"
              never: ["release/*"]
              max-per-day: 3
              flake-retries: 2
              mode: pull-request
              decision-log: .pipelines/decisions.jsonl
              auto-merge: squash
              post-mortem: true
            gate:
              provider: file
              interval: 30s
              window: 30m
              canary: { version: "{version}" }
              baseline: { version: "{previous}" }
              score: { pass: 95, marginal: 70 }
              min-samples: 20
              no-data: inconclusive
              family-alpha: 0.05
              pass-alpha: 0.05
              metrics:
                - name: errors
                  kind: ratio
                  bad: increase
                  tolerance: 50%
                  floor: 0.5%
                  critical: true
                  weight: 2
                - name: latency
                  kind: continuous
                  tolerance: 0.1
                  query: latency_seconds
            canary:
              target: fleet
              hosts: ["http://127.0.0.1:5001", "http://127.0.0.1:5002"]
              deploy-command: ./deploy.sh {host} {version}
              rollback-command: ./rollback.sh {host} {previous}
              steps: 1,2,4
              bake: 1m
              min-bake: 30s
              max-bake: 10m
              undecided: hold
              metrics-url: "{host}/metrics"
              holdout: 1
              self-test:
                url: "{host}"
                deadline: 20s
                checks:
                  - path: /health
                    status: 200
                    json-path: status
                    equals: ok
                    max-latency: 500ms
                  - path: /selftest
                    contains: prices ok
            """),
        Utf8("""
            canary:
              target: appservice
              steps: 10%, 50%, 100%
              appservice:
                subscription: 00000000-0000-0000-0000-000000000000
                resource-group: shop
                site: shop-web
                slot: canary
                location: westeurope
                package: out/shop.zip
                version-url: https://shop-web-canary.azurewebsites.net/version
                version-path: version
                baseline-slot: production
            """),
        Utf8("tests: {tags: {a: [x/**]}, always: [], untagged: fail, infer: none}\n"),
        Utf8(""),
    ];

    public static IReadOnlyList<byte[]> Gates { get; } =
    [
        Utf8("""
            gate:
              provider: file
              metrics:
                - name: server-errors
                  kind: ratio
                  bad: increase
                  tolerance: 50%
                  critical: true
                  weight: 2
                - name: latency-p95
                  kind: continuous
                  bad: increase
                  tolerance: 10%
                - name: registrations
                  kind: count
                  bad: decrease
              score: { pass: 95, marginal: 70 }
              min-samples: 20
              no-data: inconclusive
            """),
        Utf8("""
            gate:
              provider: scrape
              interval: 1s
              window: 1m
              min-samples: 10
              canary: { targets: "http://127.0.0.1:1/metrics, http://127.0.0.1:2/metrics" }
              baseline: { targets: "http://127.0.0.1:3/metrics" }
              metrics:
                - name: checkout-errors
                  kind: ratio
                  query: http_requests_total{code=~"5..",route!="/health"} / http_requests_total{route!~"/(health|metrics)"}
                  tolerance: 50%
                  floor: 1%
                  critical: true
                - name: latency
                  kind: continuous
                  query: latency_seconds{quantile="0.95"}
            """),
        Utf8("""
            gate:
              provider: prometheus
              endpoint: http://127.0.0.1:9/
              interval: 15s
              window: 10m
              canary: { job: shop, version: "{version}" }
              baseline: { job: shop, version: "{previous}" }
              metrics:
                - name: errors
                  kind: ratio
                  query: http_requests_total{ {selector}, code=~"5.." } / http_requests_total{ {selector} }
                - name: latency
                  kind: continuous
                  query: histogram_quantile(0.95, sum by (le) (rate(latency_bucket{ {selector} }[{interval}])))
            """),
        Utf8("""
            gate:
              provider: azure-monitor
              endpoint: 00000000-0000-0000-0000-000000000000
              canary: { application_Version: "{version}" }
              baseline: { application_Version: "{previous}" }
              metrics:
                - name: failures
                  kind: ratio
                  query: requests | where {selector} | summarize events = countif(success == false), trials = count()
            """),
    ];

    public static string GateData { get; } = Data(500, 200, 120);

    public static IReadOnlyList<byte[]> GateDataFiles { get; } =
    [
        Utf8(GateData),
        Utf8(Data(1000, 300, 60)),
        Utf8("""{"metrics": {"server-errors": {"complete": false, "canary": {"events": 0, "trials": 0}, "baseline": {"events": 0, "trials": 0}}}}"""),
    ];

    public static IReadOnlyList<byte[]> PrometheusText { get; } =
    [
        Utf8("""
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200",route="/checkout"} 1027 1395066363000
            http_requests_total{method="post",code="500",route="/checkout"} 3 1395066363000
            http_requests_total{method="get",code="200",route="/health"} 88
            # Escaping in label values:
            msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9
            # A weird metric from before the epoch:
            something_weird{problem="division by zero"} +Inf -3982045
            # HELP latency_seconds A summary of the request latency.
            # TYPE latency_seconds summary
            latency_seconds{quantile="0.5"} 0.052
            latency_seconds{quantile="0.95"} 0.21
            latency_seconds{quantile="0.99"} NaN
            latency_seconds_sum 1.7560473e+07
            latency_seconds_count 2693
            # TYPE latency_bucket histogram
            latency_bucket{le="0.05"} 24054
            latency_bucket{le="+Inf"} 144320
            """),
        Utf8("http_requests_total 5\nlatency_seconds{quantile=\"0.95\"} 0.3\n"),
    ];

    public static IReadOnlyList<byte[]> PrometheusAnswers { get; } =
    [
        Utf8("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"shop"},"value":[1735732800.123,"42"]}]}}"""),
        Utf8("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"shop"},"values":[[1735732800,"0.2"],[1735732815,"NaN"],[1735732830,"+Inf"],[1735732845,"0.25"]]}]},"warnings":["partial"]}"""),
        Utf8("""{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"""),
        Utf8("""{"status":"success","data":{"resultType":"vector","result":[]}}"""),
    ];

    public static IReadOnlyList<byte[]> GitHubAnswers { get; } =
    [
        Utf8("""{"ref":"refs/heads/main","node_id":"MDM6UmVm","url":"https://api.github.com/repos/o/r/git/refs/heads/main","object":{"type":"commit","sha":"aa218f56b14c9653891f9e74264a383fa43fefbd","url":"https://api.github.com/repos/o/r/git/commits/aa21"}}"""),
        Utf8("""[{"ref":"refs/heads/pipelines/revert-1","object":{"type":"commit","sha":"bb218f56b14c9653891f9e74264a383fa43fefbd"}}]"""),
        Utf8("""[{"id":1,"node_id":"PR_1","number":7,"state":"open","html_url":"https://github.com/o/r/pull/7","merged_at":null}]"""),
        Utf8("""[{"id":2,"state":"success","description":"ok","target_url":null,"context":"ci"}]"""),
        Utf8("""{"total_count":1,"workflow_runs":[{"id":3,"head_sha":"aa218f56b14c9653891f9e74264a383fa43fefbd","head_branch":"main","conclusion":"success"}]}"""),
        Utf8("""{"sha":"cc218f56b14c9653891f9e74264a383fa43fefbd"}"""),
    ];

    public static IReadOnlyList<byte[]> AzureReposAnswers { get; } =
    [
        Utf8("""{"value":[{"name":"refs/heads/main","objectId":"aa218f56b14c9653891f9e74264a383fa43fefbd","creator":{"displayName":"x"}}],"count":1}"""),
        Utf8("""{"value":[{"pullRequestId":7,"status":"active","sourceRefName":"refs/heads/a","targetRefName":"refs/heads/main","title":"t","createdBy":{"id":"1"}}],"count":1}"""),
        Utf8("""{"value":[{"state":"succeeded","description":"ok","context":{"name":"revert-on-red","genre":"pipelines"}}],"count":1}"""),
        Utf8("""{"commitId":"aa218f56b14c9653891f9e74264a383fa43fefbd","committer":{"name":"a","email":"a@b","date":"2026-11-01T10:00:00Z"},"comment":"c"}"""),
        Utf8("""{"value":[{"id":9,"sourceVersion":"aa218f56b14c9653891f9e74264a383fa43fefbd","sourceBranch":"refs/heads/main","result":"succeeded"}],"count":1}"""),
    ];

    public static IReadOnlyList<byte[]> FeatureFlags { get; } =
    [
        Utf8("""{"id":"new-checkout","description":"d","enabled":true,"conditions":{"requirement_type":"Any","client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"Users":["alice"],"Groups":[{"Name":"beta","RolloutPercentage":50}],"DefaultRolloutPercentage":5,"Exclusion":{"Users":["dave"],"Groups":[]}}}}]},"telemetry":{"enabled":true,"metadata":{"k":"v"}}}"""),
        Utf8("""{"id":"new-checkout","enabled":false,"variants":[{"name":"On","configuration_value":true},{"name":"Off","status_override":"Disabled"}],"allocation":{"default_when_enabled":"Off","default_when_disabled":"Off","percentile":[{"variant":"On","from":0,"to":10},{"variant":"Off","from":10,"to":100}],"seed":"x"}}"""),
        Utf8("""{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Targeting"}]}}"""),
        Utf8("""{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Percentage","parameters":{"Value":50}}]}}"""),
        Utf8("""{"id":"new-checkout","enabled":true,"allocation":{"percentile":[{"variant":"On","from":0,"to":100}]}}"""),
    ];

    /// <summary>App Configuration's key-value answers: a feature flag, a plain key-value, a problem.</summary>
    public static IReadOnlyList<byte[]> AppConfigurationAnswers { get; } =
    [
        Utf8("""{"etag":"7XpB48ET4VAlB9068ft6fKMyA3m","key":".appconfig.featureflag/new-checkout","label":null,"content_type":"application/vnd.microsoft.appconfig.ff+json;charset=utf-8","value":"{\"id\":\"new-checkout\",\"enabled\":true,\"conditions\":{\"client_filters\":[{\"name\":\"Microsoft.Targeting\",\"parameters\":{\"Audience\":{\"DefaultRolloutPercentage\":5}}}]}}","tags":{"team":"shop"},"locked":false,"last_modified":"2024-08-27T16:52:32+00:00"}"""),
        Utf8("""{"etag":"L10qpBghN693OaxydgTkLmrBbV5","key":"Message","label":null,"content_type":null,"value":"Hello World!","tags":{},"locked":false,"last_modified":"2019-08-27T16:52:32+00:00"}"""),
        Utf8("""{"type":"https://azconfig.io/errors/too-many-requests","title":"Resource utilization has surpassed the assigned quota","status":429}"""),
    ];

    public static IReadOnlyList<byte[]> Events { get; } =
    [
        Utf8("""{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"aa218f56b14c9653891f9e74264a383fa43fefbd","repository":{"full_name":"o/r","default_branch":"main"},"pusher":{"name":"a"},"commits":[{"id":"aa21","message":"m"}]}"""),
        Utf8("""{"action":"completed","workflow_run":{"id":30433642,"head_sha":"aa218f56b14c9653891f9e74264a383fa43fefbd","head_branch":"main","workflow_id":159038,"conclusion":"failure","event":"push"},"repository":{"full_name":"o/r"}}"""),
        Utf8("""{"action":"opened","number":2,"pull_request":{"base":{"ref":"main","sha":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"},"head":{"ref":"feature","sha":"aa218f56b14c9653891f9e74264a383fa43fefbd"}}}"""),
        Utf8("""{"before":"0000000000000000000000000000000000000000","created":true}"""),
    ];

    /// <summary>Plan files as plan-tests writes them: by class with categories, by test over two shards, by file.</summary>
    public static IReadOnlyList<byte[]> Plans { get; } =
    [
        Utf8("""
            {
              "format": "pipelines-plan/1", "seed": "3", "seedSource": "--seed", "by": "class", "order": "slowest-first",
              "lowerBoundSeconds": 2.5, "predictedMakespanSeconds": 2.5, "testCount": 3, "estimatedUnits": 1, "categoryFilter": "TestCategory!=slow",
              "shards": [ { "index": 1, "predictedSeconds": 2.5,
                "units": [ { "id": "Shop.Tests.CartTests", "seconds": 2, "estimated": false, "restricted": false },
                           { "id": "Shop.Tests.Größe\"Quoted", "seconds": 0.5, "estimated": true, "restricted": true } ],
                "filters": [ "FullyQualifiedName~Shop.Tests.CartTests.", "(FullyQualifiedName~Shop.Tests.Größe)&(TestCategory!=slow)" ] } ],
              "warnings": [ "1 unit had no timing: estimated" ]
            }
            """),
        Utf8("""{"format":"pipelines-plan/1","seed":"20260101","seedSource":"date","by":"test","order":"random","lowerBoundSeconds":10,"predictedMakespanSeconds":12,"testCount":2,"estimatedUnits":0,"categoryFilter":"","shards":[{"index":1,"predictedSeconds":12,"units":[{"id":"A.B.C","seconds":12,"estimated":false,"restricted":false}],"filters":["FullyQualifiedName=A.B.C"]},{"index":2,"predictedSeconds":8,"units":[{"id":"A.B.D","seconds":8,"estimated":false,"restricted":false}],"filters":["FullyQualifiedName=A.B.D"]}],"warnings":[]}"""),
        Utf8("""{"format":"pipelines-plan/1","seed":"1","seedSource":"--seed","by":"file","order":"declared","lowerBoundSeconds":0,"predictedMakespanSeconds":0,"testCount":0,"estimatedUnits":0,"categoryFilter":"","shards":[{"index":1,"predictedSeconds":0,"units":[],"filters":[]}],"warnings":[]}"""),
    ];

    /// <summary>Impact maps as record-impact writes them: one with failed, skipped and parameterised tests; an empty one; one recorded per class.</summary>
    public static IReadOnlyList<byte[]> ImpactMaps { get; } =
    [
        Utf8("""
            {"format":"pipelines-impact-map/1","commit":"89abcdef0123456789abcdef0123456789abcdef","recordedAt":"2026-12-07T05:00:00.0000000+00:00",
             "files":[{"path":"src/Billing/Größe.cs","hash":"0123456789abcdef0123456789abcdef01234567","code":true},
                      {"path":"src/Billing/Billing.csproj","hash":"1123456789abcdef0123456789abcdef01234567","code":false},
                      {"path":"tests/T/Tests.cs","hash":"2123456789abcdef0123456789abcdef01234567","code":true}],
             "projects":[{"path":"tests/T/T.csproj","tests":[
                {"name":"T.Tests.Adds(1,\"x\")","class":"T.Tests","source":"tests/T/Tests.cs","outcome":"failed","files":[0,2]},
                {"name":"T.Tests+Nested.Skips","class":"T.Tests+Nested","source":null,"outcome":"skipped","files":[]},
                {"name":"T.Tests.Passes","class":"T.Tests","source":null,"outcome":"passed","files":[2]}]}]}
            """),
        Utf8("""{"format":"pipelines-impact-map/1","commit":"89abcdef0123456789abcdef0123456789abcdef","recordedAt":"2026-12-07T05:00:00Z","files":[],"projects":[]}"""),
        Utf8("""{"format":"pipelines-impact-map/1","commit":"89abcdef0123456789abcdef0123456789abcdef","recordedAt":"2026-12-07T05:00:00Z","files":[{"path":"a.cs","hash":"0123456789abcdef0123456789abcdef01234567","code":true}],"projects":[{"path":"t/N.csproj","tests":[{"name":"N.Fixture(1).A","class":"N.Fixture","source":null,"outcome":"passed","files":[0]}],"granularity":"class"},{"path":"t/M.csproj","tests":[],"granularity":"test"}]}"""),
    ];

    /// <summary>Decision logs as revert-on-red appends them; an empty one (the first run).</summary>
    public static IReadOnlyList<byte[]> DecisionLogs { get; } =
    [
        Utf8(""),
        Utf8("""
            {"at":"2026-11-01T10:00:00.0000000+00:00","branch":"main","green":"6113728f","red":"aa218f56","verdict":"reverted","reason":"confirmed","culprit":"aa218f56","revertSha":"cc21","pullRequest":"https://github.com/o/r/pull/7","failingTests":["Shop.Tests.CartTests.Adds"],"probes":[{"sha":"aa218f56","purpose":"re-run at red","attempts":2,"passed":false}]}
            {"at":"2026-11-02T10:00:00.0000000+00:00","branch":"main","green":"aa218f56","red":"bb218f56","verdict":"flaky","reason":"passed on a re-run","culprit":null,"revertSha":null,"pullRequest":null,"failingTests":[],"probes":[]}

            """),
    ];

    /// <summary>What Azure Resource Manager answers the App Service client: a slot, the site configuration, a deployment status, an error.</summary>
    public static IReadOnlyList<byte[]> ArmAnswers { get; } =
    [
        Utf8("""{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/sites/shop/slots/canary","name":"shop/canary","location":"West Europe","properties":{"state":"Running","defaultHostName":"shop-canary.azurewebsites.net","enabledHostNames":["shop-canary.azurewebsites.net","shop-canary.scm.azurewebsites.net"]}}"""),
        Utf8("""{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/sites/shop/config/web","properties":{"numberOfWorkers":1,"experiments":{"rampUpRules":[{"name":"canary","actionHostName":"shop-canary.azurewebsites.net","reroutePercentage":10.5,"changeStep":null,"minReroutePercentage":null}]}}}"""),
        Utf8("""{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Web/sites/shop/slots/canary/deploymentStatus/d1","name":"d1","properties":{"status":"RuntimeSuccessful","numberOfInstancesInProgress":0,"numberOfInstancesSuccessful":1,"errors":null}}"""),
        Utf8("""{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.Web/sites/shop' under resource group 'rg' was not found."}}"""),
    ];

    /// <summary>A real test assembly: this suite's own, built with MSTest's attributes.</summary>
    public static IReadOnlyList<byte[]> Assemblies { get; } = [File.ReadAllBytes(typeof(Seeds).Assembly.Location)];

    /// <summary>Feature flag files (release --store): Microsoft's targeting sample and the shop's flags, targeting and percentile.</summary>
    public static IReadOnlyList<byte[]> FeatureFlagFiles { get; } =
    [
        FuzzCampaign.Data("tests", "data", "feature-management", "TargetingFilter.sample.json"),
        Utf8("""{"feature_management":{"feature_flags":[{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Targeting","parameters":{"Audience":{"Users":[],"DefaultRolloutPercentage":5}}}]}}]}}"""),
        Utf8("""{"Logging":{},"feature_management":{"feature_flags":[{"id":"new-checkout","enabled":false,"allocation":{"percentile":[{"variant":"On","from":0,"to":10},{"variant":"Off","from":10,"to":100}]}}]}}"""),
        Utf8("""{"feature_management":{"feature_flags":[{"id":"new-checkout","enabled":true,"conditions":{"client_filters":[{"name":"Microsoft.Percentage","parameters":{"Value":50}}]}}]}}"""),
    ];

    /// <summary>Project files: the repository's sample test projects and the shapes real repositories use.</summary>
    public static IReadOnlyList<byte[]> Projects { get; } =
    [
        FuzzCampaign.Data("tests", "samples", "MsTestSample", "MsTestSample.csproj"),
        FuzzCampaign.Data("tests", "samples", "NunitSample", "NunitSample.csproj"),
        FuzzCampaign.Data("tests", "samples", "XunitSample", "XunitSample.csproj"),
        Utf8("""
            <Project Sdk="Microsoft.NET.Sdk;MSTest.Sdk/3.6.0">
              <Sdk Name="Microsoft.Build.CentralPackageVersions" Version="2.1.3" />
              <PropertyGroup Condition="'$(Configuration)' == '' and !Exists('$(MSBuildThisFileDirectory)missing.props')">
                <ProjectType>Test</ProjectType>
                <Name>$(MSBuildProjectName.Replace('.', '_').ToLowerInvariant())</Name>
                <Root>$([MSBuild]::NormalizeDirectory('$(MSBuildThisFileDirectory)', '..', '..'))</Root>
                <Above>$([MSBuild]::GetDirectoryNameOfFileAbove($(MSBuildThisFileDirectory), Directory.Build.props))</Above>
                <Short Condition="$(Name.Length) &gt; 3">$(Name.Substring(0, 3))</Short>
                <IsTestProject Condition="$(MSBuildProjectName.EndsWith('.Tests'))">true</IsTestProject>
              </PropertyGroup>
              <Import Project="$(Root)eng/$(ProjectType).targets" Condition="Exists('$(Root)eng/$(ProjectType).targets')" />
              <ImportGroup Condition="'$(OS)' != 'Windows_NT'"><Import Project="..\..\eng\*.props" /></ImportGroup>
              <Choose>
                <When Condition="'$(ProjectType)' == 'Test'"><ItemGroup><PackageReference Include="xunit.v3" /></ItemGroup></When>
                <Otherwise><ItemGroup><PackageReference Include="Nothing" /></ItemGroup></Otherwise>
              </Choose>
              <ItemGroup>
                <Compile Include="..\..\src\Shared\**\*.cs" Link="Shared\%(RecursiveDir)%(Filename)%(Extension)" />
                <None Include="$(MSBuildThisFileDirectory)../../docs/*.md;@(Extra)" />
                <ProjectReference Include="..\..\src\Shop\Shop.csproj" Condition="$([System.IO.File]::Exists('$(MSBuildThisFileDirectory)..\..\src\Shop\Shop.csproj'))" />
                <ProjectCapability Include="TestContainer" Condition="$(IsTestProject) == 'true' or ($(X) &lt; 2 and $(Y) &gt;= 1.5)" />
              </ItemGroup>
            </Project>
            """),
    ];

    public static IReadOnlyList<byte[]> Imports { get; } =
    [
        FuzzCampaign.Data("tests", "samples", "Directory.Build.props"),
        FuzzCampaign.Data("tests", "samples", "Directory.Packages.props"),
        Utf8("""
            <Project>
              <PropertyGroup>
                <RepoRoot>$([MSBuild]::NormalizeDirectory('$(MSBuildThisFileDirectory)'))</RepoRoot>
                <IsTestProject Condition="'$(IsTestProject)' == '' and $(MSBuildProjectName.EndsWith('Tests'))">true</IsTestProject>
                <ProjectType Condition="$(MSBuildProjectDirectory.Contains('/tests/'))">Test</ProjectType>
                <Doubled>$(Doubled)x</Doubled>
              </PropertyGroup>
              <Import Project="$(RepoRoot)eng/$(ProjectType).targets" Condition="'$(ProjectType)' != ''" />
              <Import Project="$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', '$(MSBuildThisFileDirectory)../'))" Condition="Exists('$([MSBuild]::GetPathOfFileAbove(Directory.Build.props, $(MSBuildThisFileDirectory)../))')" />
              <ItemGroup Condition="'$(IsTestProject)' == 'true'">
                <PackageReference Include="Microsoft.NET.Test.Sdk" />
              </ItemGroup>
            </Project>
            """),
    ];

    private static string SmallTrx()
    {
        var path = Path.Combine(Path.GetTempPath(), "pipelines-fuzz-seed-" + Guid.NewGuid().ToString("N") + ".trx");
        try
        {
            ResultFileWriter.Trx(path, [("Shop.Tests.CartTests.Adds", 0.5, "Passed"), ("Shop.Tests.CartTests.Removes", 1.25, "Failed"), ("Shop.Tests.Slow.Waits", 30, "NotExecuted")],
                categories: new Dictionary<string, string[]> { ["Shop.Tests.CartTests.Adds"] = ["billing", "smoke"] });
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Data(long errors, double latency, long signUps)
    {
        var random = new Random(7);
        string Samples(double median) => "[" + string.Join(",", Enumerable.Range(0, 30).Select(_ =>
            (median * (0.9 + (0.2 * random.NextDouble()))).ToString("0.###", CultureInfo.InvariantCulture))) + "]";
        return $$$"""
            {"metrics": {
              "server-errors": {"canary": {"events": {{{errors}}}, "trials": 100000}, "baseline": {"events": 500, "trials": 100000}},
              "latency-p95": {"canary": {{{Samples(latency)}}}, "baseline": {{{Samples(200)}}}},
              "registrations": {"canary": {"events": {{{signUps}}}, "trials": 3600}, "baseline": {"events": 120, "trials": 3600}}
            }}
            """;
    }

    /// <summary>The first <paramref name="bytes"/> of a big file, cut at a line and closed, so a seed stays quick to parse.</summary>
    private static byte[] Slice(byte[] file, int bytes, string closing)
    {
        var text = Encoding.UTF8.GetString(file);
        var cut = text.LastIndexOf("</testcase>", Math.Min(bytes, text.Length - 1), StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text[..(cut + "</testcase>".Length)] + closing);
    }
}
