using System.Net;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>GETs of the worker's metrics and health endpoints.</summary>
internal static class HttpProbe
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(Uri uri)
    {
        using var response = await Client.GetAsync(uri);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes and parses the metrics endpoint.</summary>
    public static async Task<PrometheusText> ScrapeAsync(Uri metrics)
    {
        var (status, body) = await GetAsync(metrics);
        Assert.True(status == HttpStatusCode.OK, $"GET {metrics}: {(int)status}\n{body}");
        return PrometheusText.Parse(body);
    }

    /// <summary>A sibling path of the metrics endpoint (same host and port): /healthz, /readyz.</summary>
    public static Uri Beside(Uri metrics, string path) => new(metrics, path);

    /// <summary>Polls <paramref name="uri"/> until it answers <paramref name="expected"/>; returns the last answer.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> WaitForAsync(Uri uri, HttpStatusCode expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        (HttpStatusCode Status, string Body) last = (0, "");
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(uri);
                if (last.Status == expected) return last;
            }
            catch (HttpRequestException ex)
            {
                last = (0, ex.Message);
            }
            await Task.Delay(200);
        }
        return last;
    }
}
