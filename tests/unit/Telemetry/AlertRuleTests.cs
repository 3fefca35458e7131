using System.Text.Json;
using System.Text.RegularExpressions;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>
/// deploy/prometheus and deploy/grafana: promtool accepts the rules and the scrape configuration,
/// the rule unit tests pass, every dashboard query parses, and every worker metric they name is one
/// the worker exports (<see cref="ExportedMetrics"/>).
/// </summary>
public sealed partial class AlertRuleTests
{
    private static string PrometheusDirectory => Path.GetDirectoryName(RepositoryFiles.Path("deploy", "prometheus", "prometheus.yml"))!;

    [Fact]
    public void Promtool_accepts_the_rules()
    {
        var run = ProcessRun.Run(ProcessRun.Tool("promtool", "prometheus"), ["check", "rules", "shared-secret-worker.rules.yml"], workingDirectory: PrometheusDirectory);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("SUCCESS: 9 rules found", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Promtool_rule_tests_pass()
    {
        var run = ProcessRun.Run(ProcessRun.Tool("promtool", "prometheus"), ["test", "rules", "shared-secret-worker.rules.test.yml"], workingDirectory: PrometheusDirectory);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("SUCCESS", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Promtool_accepts_the_scrape_configuration()
    {
        var run = ProcessRun.Run(ProcessRun.Tool("promtool", "prometheus"), ["check", "config", "prometheus.yml"], workingDirectory: PrometheusDirectory);
        Assert.True(run.ExitCode == 0, run.Output);
    }

    [Fact]
    public void Every_alert_has_a_runbook_section_in_the_operations_document()
    {
        var rules = File.ReadAllText(RepositoryFiles.Path("deploy", "prometheus", "shared-secret-worker.rules.yml"));
        var runbook = File.ReadAllText(RepositoryFiles.Path("docs", "operations.md"));
        var alerts = AlertName().Matches(rules).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(9, alerts.Count);
        foreach (var alert in alerts)
        {
            Assert.Contains($"docs/operations.md#{alert.ToLowerInvariant()}", rules, StringComparison.Ordinal);
            Assert.Contains($"\n### {alert}\n", runbook, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_dashboard_query_parses()
    {
        var queries = DashboardQueries();
        Assert.True(queries.Count >= 14, $"only {queries.Count} queries");
        // promtool has no bare query parser: the queries become recording rules it checks.
        var file = Path.Combine(System.IO.Directory.CreateTempSubdirectory("shrtok-dashboard-").FullName, "dashboard.rules.yml");
        var rules = queries.Select((q, i) =>
            $"      - record: dashboard:query{i}\n        expr: '{Substitute(q).Replace("'", "''", StringComparison.Ordinal)}'\n");
        File.WriteAllText(file, "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(rules));
        var run = ProcessRun.Run(ProcessRun.Tool("promtool", "prometheus"), ["check", "rules", file], workingDirectory: Path.GetDirectoryName(file)!);
        Assert.True(run.ExitCode == 0, run.Output + "\n" + File.ReadAllText(file));
    }

    [Fact]
    public void Rules_and_dashboard_name_only_metrics_the_worker_exports_and_the_dashboard_shows_them_all()
    {
        var exported = ExportedMetrics.PrometheusNames();
        var labels = ExportedMetrics.PrometheusLabelNames();
        var rules = File.ReadAllText(RepositoryFiles.Path("deploy", "prometheus", "shared-secret-worker.rules.yml"));
        var dashboard = string.Join("\n", DashboardQueries());
        foreach (var (what, text) in new[] { ("rules", rules), ("dashboard", dashboard) })
        {
            foreach (var name in WorkerName().Matches(text).Select(m => m.Value).Distinct())
            {
                if (labels.Contains(name)) continue;
                Assert.True(exported.Contains(name), $"The {what} use {name}, which the worker does not export. It exports: {string.Join(", ", exported.Order())}");
            }
        }
        foreach (var family in ExportedMetrics.Families())
            Assert.True(dashboard.Contains(family, StringComparison.Ordinal), $"The dashboard shows nothing of {family}.");
    }

    private static List<string> DashboardQueries()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("deploy", "grafana", "shared-secret-worker.json")));
        var queries = new List<string>();
        foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            foreach (var target in targets.EnumerateArray()) queries.Add(target.GetProperty("expr").GetString()!);
        }
        return queries;
    }

    /// <summary>Grafana's variables as a query would see them.</summary>
    private static string Substitute(string query) => query
        .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
        .Replace("$instance", ".*", StringComparison.Ordinal)
        .Replace("$queue", "shrtok\\\\..*", StringComparison.Ordinal);

    [GeneratedRegex(@"- alert: (\w+)")]
    private static partial Regex AlertName();

    [GeneratedRegex(@"\bshrtok_[a-z_]+\b")]
    private static partial Regex WorkerName();
}
