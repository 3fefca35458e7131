using System.Collections.Concurrent;
using System.Net;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>A minimal OTLP/HTTP receiver: accepts every POST, answers 200 with an empty body, keeps path and body.</summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _requests = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    public IReadOnlyCollection<(string Path, string ContentType, byte[] Body)> Requests => _requests;

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    /// <summary>Waits for a POST to <paramref name="path"/> whose body contains <paramref name="text"/> (protobuf keeps strings as UTF-8).</summary>
    public async Task<byte[]> WaitForAsync(string path, string text, TimeSpan timeout)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var request in _requests)
                if (request.Path == path && request.Body.AsSpan().IndexOf(needle) >= 0) return request.Body;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No OTLP export to {path} containing '{text}'; received: {string.Join(", ", _requests.Select(r => $"{r.Path} ({r.Body.Length} bytes)"))}");
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
