namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>One line of the Prometheus text format: name, labels, value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}
