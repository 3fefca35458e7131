using System.Reflection;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Unit.Telemetry;

namespace SharedSecretWorker.Tests.Unit.Documentation;

/// <summary>The log-event table of docs/operations.md lists every EventId of the catalogue, with its number, and no other.</summary>
public sealed class LogEventCatalogueTests
{
    [Fact]
    public void Every_event_id_is_documented_with_its_number()
    {
        var operations = File.ReadAllText(RepositoryFiles.Path("docs", "operations.md"));
        var events = typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (f.Name, Id: (int)f.GetRawConstantValue()!))
            .ToList();
        Assert.True(events.Count > 30, $"only {events.Count} events read from LogEvents");
        var missing = events.Where(e => !operations.Contains($"`{e.Name}` {e.Id}", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/operations.md, \"Log events\", lacks: " + string.Join(", ", missing.Select(m => $"`{m.Name}` {m.Id}")));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }
}
