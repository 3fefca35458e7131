using System.Text;

namespace SharedSecretWorker.Hosting;

/// <summary>The answer of /healthz or /readyz: healthy, or the list of what is wrong (names and error types only).</summary>
/// <param name="Problems">Empty when healthy.</param>
internal sealed record HealthReport(IReadOnlyList<string> Problems)
{
    public bool Healthy => Problems.Count == 0;

    /// <summary>The plain-text body: <c>ok</c>, or one problem per line.</summary>
    public string ToText()
    {
        if (Healthy) return "ok\n";
        var text = new StringBuilder();
        foreach (var problem in Problems) text.Append(problem).Append('\n');
        return text.ToString();
    }
}
