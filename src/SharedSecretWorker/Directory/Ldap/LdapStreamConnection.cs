using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>One operation sent on an <see cref="LdapStreamConnection"/>: its message id and the server's messages for it.</summary>
internal sealed record LdapOperation(int MessageId, ChannelReader<LdapMessage> Messages);

/// <summary>
/// An LDAPv3 connection of the worker's own, over a socket (System.Net.Sockets, SslStream), for
/// what System.DirectoryServices.Protocols cannot do on Linux: a persistent search, which never
/// ends, beside other searches on the same connection. S.DS.P's partial results poll libldap from
/// one shared thread with a zero timeout that reaches libldap in the wrong layout (see
/// <see cref="LdapConnectionPool"/>), so it could block for hours; here every wait is asynchronous
/// and cancellable.
/// Same settings as the pool's connections: <c>Directory:Url</c> (ldap:// or ldaps://),
/// <c>Directory:StartTls</c>, <c>Directory:CaFile</c>, the simple bind of <c>Directory:BindDn</c> with
/// the password read from <c>Directory:BindPasswordFile</c> when it connects, and
/// <c>Directory:ConnectTimeout</c> for connecting, TLS and the bind. TCP keep-alive notices a server
/// gone without a word within about a minute.
/// One background reader hands each message to the operation with its id; a lost connection fails
/// every operation with <see cref="DirectoryFailure.Unavailable"/>.
/// </summary>
internal sealed class LdapStreamConnection : IAsyncDisposable
{
    private const int KeepAliveSeconds = 30;
    private const int KeepAliveIntervalSeconds = 10;
    private const int KeepAliveProbes = 3;
    private static readonly TimeSpan UnbindGrace = TimeSpan.FromSeconds(1);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly LdapEndpoint _endpoint;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<int, Channel<LdapMessage>> _operations = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _reading = Task.CompletedTask;
    private int _lastMessageId;
    private volatile DirectoryException? _failure;
    private int _disposed;

    private LdapStreamConnection(Socket socket, Stream stream, LdapEndpoint endpoint, int lastMessageId)
    {
        _socket = socket;
        _stream = stream;
        _endpoint = endpoint;
        _lastMessageId = lastMessageId;
    }

    public LdapEndpoint Endpoint => _endpoint;

    /// <summary>Connects, negotiates TLS as configured, binds, and starts reading.</summary>
    public static async Task<LdapStreamConnection> OpenAsync(DirectoryOptions options, CancellationToken cancellationToken)
    {
        if (!LdapEndpoint.TryParse(options.Url, out var endpoint, out var urlError))
            throw new DirectoryException(DirectoryFailure.Misconfigured, $"{DirectoryOptions.SectionName}:Url {urlError}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Stream? stream = null;
        var step = "connecting";
        try
        {
            KeepAlive(socket);
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            var messageId = 0;
            if (endpoint.Ldaps)
            {
                step = "negotiating TLS";
                stream = await TlsAsync(stream, endpoint, options.CaFile, deadline.Token).ConfigureAwait(false);
            }
            else if (options.StartTls)
            {
                step = "starting TLS";
                await stream.WriteAsync(LdapProtocol.ExtendedRequest(++messageId, LdapProtocol.StartTlsOid), deadline.Token).ConfigureAwait(false);
                var answer = await ReadOneAsync(stream, deadline.Token).ConfigureAwait(false);
                var started = LdapProtocol.ReadResult(answer);
                if (started.Code != 0)
                    throw new DirectoryException(DirectoryFailure.Misconfigured,
                        $"{endpoint} refused StartTLS: LDAP result {started.Code} ({LdapFailures.NameOf(started.Code)}) {started.Diagnostic}".TrimEnd() + ".",
                        ldapResultCode: started.Code);
                stream = await TlsAsync(stream, endpoint, options.CaFile, deadline.Token).ConfigureAwait(false);
            }
            step = "binding";
            var password = SecretFile.ReadBytes(options.BindPasswordFile, $"{DirectoryOptions.SectionName}:BindPasswordFile");
            byte[] bind;
            try
            {
                bind = LdapProtocol.BindRequest(++messageId, options.BindDn, password);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(password);
            }
            try
            {
                await stream.WriteAsync(bind, deadline.Token).ConfigureAwait(false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bind);
            }
            var bound = LdapProtocol.ReadResult(await ReadOneAsync(stream, deadline.Token).ConfigureAwait(false));
            if (bound.Code != 0)
            {
                throw new DirectoryException(LdapFailures.KindOf(bound.Code, DirectoryFailure.Misconfigured),
                    $"Binding to {endpoint} as '{options.BindDn}' was refused: LDAP result {bound.Code} ({LdapFailures.NameOf(bound.Code)}). "
                    + $"Check {DirectoryOptions.SectionName}:BindDn and the password in {DirectoryOptions.SectionName}:BindPasswordFile.",
                    options.BindDn, bound.Code);
            }
            var connection = new LdapStreamConnection(socket, stream, endpoint, messageId);
            connection._reading = Task.Run(connection.ReadAllAsync, CancellationToken.None);
            return connection;
        }
        catch (Exception e)
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            throw e switch
            {
                DirectoryException known => known,
                // The bind password file refused (SecretFile): its message names the file, never its content.
                InvalidOperationException unreadablePasswordFile => new DirectoryException(DirectoryFailure.Misconfigured, unreadablePasswordFile.Message,
                    innerException: unreadablePasswordFile),
                OperationCanceledException => new DirectoryException(DirectoryFailure.Unavailable,
                    $"Connecting to {endpoint}, TLS and the bind as '{options.BindDn}' did not finish within {options.ConnectTimeout.TotalSeconds:0.#} s "
                    + $"({DirectoryOptions.SectionName}:ConnectTimeout); stuck {step}.", ldapResultCode: LdapResultCodes.Timeout, innerException: e),
                AuthenticationException => new DirectoryException(DirectoryFailure.Unavailable,
                    $"TLS with {endpoint} failed: {e.Message} Is its certificate trusted by {DirectoryOptions.SectionName}:CaFile and does it name '{endpoint.Host}'?",
                    ldapResultCode: LdapResultCodes.ConnectError, innerException: e),
                _ => new DirectoryException(DirectoryFailure.Unavailable, $"{Capitalized(step)} to {endpoint} failed: {e.Message}",
                    ldapResultCode: LdapResultCodes.ConnectError, innerException: e),
            };
        }
    }

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static void KeepAlive(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, KeepAliveSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, KeepAliveIntervalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, KeepAliveProbes);
        socket.NoDelay = true;
    }

    private static async Task<Stream> TlsAsync(Stream inner, LdapEndpoint endpoint, string? caFile, CancellationToken cancellationToken)
    {
        var trusted = string.IsNullOrEmpty(caFile) ? null : LoadCertificates(caFile);
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = endpoint.Host,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, trusted),
            }, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static X509Certificate2Collection LoadCertificates(string caFile)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new DirectoryException(DirectoryFailure.Misconfigured,
                $"{DirectoryOptions.SectionName}:CaFile '{caFile}' cannot be read as PEM certificates: {e.Message}", innerException: e);
        }
        return certificates;
    }

    /// <summary>
    /// The system's trust store, or the certificates of <c>Directory:CaFile</c> as the only roots; the
    /// server's certificate must name the host of <c>Directory:Url</c> either way.
    /// </summary>
    internal static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? roots)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (roots is null || certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            return false;
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    private static async Task<LdapMessage> ReadOneAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = await LdapFraming.ReadAsync(stream, cancellationToken).ConfigureAwait(false)
            ?? throw new EndOfStreamException("the server closed the connection");
        return LdapProtocol.ReadMessage(bytes);
    }

    /// <summary>
    /// Sends the request <paramref name="build"/> makes for a fresh message id; the server's messages
    /// for it arrive in <see cref="LdapOperation.Messages"/>, which completes after the last one, or
    /// fails when the connection is lost.
    /// </summary>
    public async Task<LdapOperation> StartAsync(Func<int, byte[]> build, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var messageId = Interlocked.Increment(ref _lastMessageId);
        var channel = Channel.CreateUnbounded<LdapMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _operations[messageId] = channel;
        try
        {
            await WriteAsync(build(messageId), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _operations.TryRemove(messageId, out _);
            throw;
        }
        // Lost while this operation was being registered: the reader may have failed the others already.
        if (_failure is { } failure && _operations.TryRemove(messageId, out _)) channel.Writer.TryComplete(failure);
        return new LdapOperation(messageId, channel.Reader);
    }

    /// <summary>Reads the messages of <paramref name="operation"/> to its end and returns its result, each wait bounded by <paramref name="timeout"/>.</summary>
    public async Task<LdapResult> CompleteAsync(LdapOperation operation, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await NextAsync(operation, timeout, what, cancellationToken).ConfigureAwait(false);
            if (LdapProtocol.IsFinal(message)) return LdapProtocol.ReadResult(message);
        }
    }

    /// <summary>The next message of <paramref name="operation"/>, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<LdapMessage> NextAsync(LdapOperation operation, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await operation.Messages.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DirectoryException(DirectoryFailure.Unavailable,
                $"{what}: {_endpoint} did not answer within {timeout.TotalSeconds:0.#} s ({DirectoryOptions.SectionName}:OperationTimeout).",
                ldapResultCode: LdapResultCodes.Timeout);
        }
        catch (ChannelClosedException e)
        {
            throw _failure ?? new DirectoryException(DirectoryFailure.Unavailable, $"{what}: the operation ended without a result.", innerException: e);
        }
    }

    /// <summary>Asks the server to stop an operation (a persistent search); no answer comes.</summary>
    public async Task AbandonAsync(LdapOperation operation, CancellationToken cancellationToken)
    {
        if (_operations.TryRemove(operation.MessageId, out var channel)) channel.Writer.TryComplete();
        var messageId = Interlocked.Increment(ref _lastMessageId);
        await WriteAsync(LdapProtocol.AbandonRequest(messageId, operation.MessageId), cancellationToken).ConfigureAwait(false);
    }

    private void ThrowIfFailed()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_failure is { } failure) throw failure;
    }

    private async Task WriteAsync(byte[] request, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw Fail(Lost($"writing failed: {e.Message}", e));
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ReadAllAsync()
    {
        DirectoryException failure;
        try
        {
            while (true)
            {
                var bytes = await LdapFraming.ReadAsync(_stream, _closing.Token).ConfigureAwait(false);
                if (bytes is null)
                {
                    failure = Lost("the server closed it", null);
                    break;
                }
                var message = LdapProtocol.ReadMessage(bytes);
                if (message.MessageId == 0)
                {
                    // Unsolicited: a Notice of Disconnection (RFC 4511 section 4.4.1); the server closes next.
                    var notice = LdapProtocol.ReadResult(message);
                    failure = Lost($"the server sent a notice of disconnection, LDAP result {notice.Code} ({LdapFailures.NameOf(notice.Code)}) {notice.Diagnostic}".TrimEnd(), null,
                        notice.Code);
                    break;
                }
                if (!_operations.TryGetValue(message.MessageId, out var channel)) continue;
                channel.Writer.TryWrite(message);
                if (LdapProtocol.IsFinal(message) && _operations.TryRemove(message.MessageId, out _)) channel.Writer.TryComplete();
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            failure = new DirectoryException(DirectoryFailure.Unavailable, $"The watch connection to {_endpoint} was closed.");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException or AsnContentException)
        {
            failure = Lost(e.Message, e);
        }
        Fail(failure);
    }

    private DirectoryException Fail(DirectoryException failure)
    {
        _failure ??= failure;
        foreach (var id in _operations.Keys)
            if (_operations.TryRemove(id, out var channel)) channel.Writer.TryComplete(_failure);
        return _failure;
    }

    private DirectoryException Lost(string why, Exception? inner, int code = LdapResultCodes.ServerDown) =>
        new(DirectoryFailure.Unavailable, $"The watch connection to {_endpoint} was lost: {why}.", ldapResultCode: code, innerException: inner);

    /// <summary>Unbinds (best effort, briefly), closes the connection and waits for the reader.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_failure is null)
        {
            using var grace = new CancellationTokenSource(UnbindGrace);
            try
            {
                await WriteAsync(LdapProtocol.UnbindRequest(Interlocked.Increment(ref _lastMessageId)), grace.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DirectoryException or OperationCanceledException)
            {
                // Closing anyway.
            }
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _reading.ConfigureAwait(false);
        _closing.Dispose();
        _writing.Dispose();
    }
}
