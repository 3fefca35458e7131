using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// A loopback TCP forwarder in front of the stack's LDAP port, so a test can make "the server go
/// away" (drop every connection, refuse new ones) without stopping the shared 389 DS.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _sockets = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    public TcpForwarder(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(Dns.GetHostAddresses(targetHost).First(a => a.AddressFamily == AddressFamily.InterNetwork), targetPort);
    }

    public int Port { get; private set; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted;

    /// <summary>While true, bytes are held back in both directions: the server looks hung, not gone.</summary>
    public volatile bool Paused;

    /// <summary>Starts listening (again on the same port after <see cref="Stop"/>).</summary>
    public void Start()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _stop = new CancellationTokenSource();
        _accepting = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Closes every forwarded connection (the server "went away"); new connections are still accepted.</summary>
    public void DropAll()
    {
        foreach (var socket in _sockets.Keys)
        {
            _sockets.TryRemove(socket, out _);
            try
            {
                // Reset rather than close gracefully: the client sees the connection die at once.
                socket.Client?.Close(0);
            }
            catch (ObjectDisposedException)
            {
                // The pump closed it already.
            }
            socket.Dispose();
        }
    }

    /// <summary>Stops listening and drops everything: connecting now fails (connection refused).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }
        DropAll();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            Interlocked.Increment(ref Accepted);
            var upstream = new TcpClient();
            await upstream.ConnectAsync(_target, cancellationToken);
            _sockets[client] = 0;
            _sockets[upstream] = 0;
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                while (Paused) await Task.Delay(10);
                await sink.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // One side went away.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
            _sockets.TryRemove(from, out _);
            _sockets.TryRemove(to, out _);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
