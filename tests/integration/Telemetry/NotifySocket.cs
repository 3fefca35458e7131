using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>A unix datagram socket standing in for systemd's notification socket (sd_notify(3)).</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("shrtok-notify-").FullName;
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(_directory, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _receiving = ReceiveAsync();
    }

    /// <summary>For NOTIFY_SOCKET.</summary>
    public string Path { get; }

    /// <summary>Every assignment received (READY=1, WATCHDOG=1, ...), in order; one datagram may hold several lines.</summary>
    public IReadOnlyList<string> Messages => _messages.ToArray();

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, received).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                _messages.Enqueue(line);
        }
    }

    /// <summary>Waits until <paramref name="message"/> was received; fails with what was received instead.</summary>
    public async Task WaitForAsync(string message, TimeSpan timeout, Func<string> context)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.Contains(message)) return;
            await Task.Delay(50);
        }
        Assert.Fail($"No {message} on NOTIFY_SOCKET within {timeout}; received [{string.Join(", ", Messages)}].\n{context()}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
