using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using SharedSecretWorker.Common;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Broker;

/// <summary>
/// The worker's one AMQP connection. RabbitMQ.Client's automatic recovery reconnects it and
/// re-creates its channels, consumers and declared topology after a broker restart or a
/// connection closed by the server; acks for deliveries of the lost channel are dropped by the
/// client (their messages are redelivered by the broker).
/// </summary>
public sealed class BrokerConnection : IAsyncDisposable
{
    private readonly RabbitMqOptions _options;
    private readonly ILogger<BrokerConnection> _logger;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;
    private bool _recovering;

    public BrokerConnection(IOptions<RabbitMqOptions> options, ILogger<BrokerConnection> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The RabbitMQ user the worker connects as (checked against user_id of worker-made copies).</summary>
    public string UserName { get; private set; } = "";

    /// <summary>True while the connection is open (false during recovery).</summary>
    public bool IsOpen => _connection?.IsOpen == true;

    /// <summary>
    /// True from a lost connection until automatic recovery has re-created its channels and consumers:
    /// meanwhile nobody else may replace a channel (the recovery would lose the one it is restoring).
    /// </summary>
    public bool IsRecovering => Volatile.Read(ref _recovering);

    /// <summary>Opens the connection once; later calls return it.</summary>
    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null) return _connection;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is not null) return _connection;
            var factory = CreateFactory(_options);
            UserName = factory.UserName;
            IConnection connection;
            try
            {
                connection = await factory.CreateConnectionAsync(BrokerEndpoints.Of(factory, _options.Endpoints), _options.ClientName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException(
                    $"Cannot connect to RabbitMQ at {Redacted(_options.Uri)}{BrokerEndpoints.Describe(_options.Endpoints)} as '{factory.UserName}' (RabbitMq:Uri, RabbitMq:Endpoints): {ex.GetBaseException().Message}", ex);
            }
            connection.ConnectionShutdownAsync += (_, args) =>
            {
                // Our own close at shutdown is not a loss.
                if (args.Initiator == ShutdownInitiator.Application) return Task.CompletedTask;
                Volatile.Write(ref _recovering, true);
                BrokerLog.ConnectionLost(_logger, args.ReplyCode, args.ReplyText);
                return Task.CompletedTask;
            };
            connection.RecoverySucceededAsync += (_, _) =>
            {
                Volatile.Write(ref _recovering, false);
                BrokerLog.Recovered(_logger);
                WorkerMetrics.ConnectionRecovered();
                return Task.CompletedTask;
            };
            _connection = connection;
            return connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Builds the client factory from options; the password comes from a file or the environment.</summary>
    public static ConnectionFactory CreateFactory(RabbitMqOptions options)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.Uri),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = options.RecoveryInterval,
        };
        if (!string.IsNullOrEmpty(options.PasswordFile))
            factory.Password = SecretFile.ReadString(options.PasswordFile, "RabbitMq:PasswordFile");
        else if (!string.IsNullOrEmpty(options.Password))
            factory.Password = options.Password;

        if (factory.Ssl.Enabled && !string.IsNullOrEmpty(options.CaFile))
        {
            X509Certificate2 ca;
            try
            {
                ca = X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
            }
            catch (CryptographicException ex)
            {
                throw new InvalidOperationException($"RabbitMq:CaFile '{options.CaFile}' is not a PEM or DER certificate: {ex.Message}", ex);
            }
            var caFile = options.CaFile;
            var host = factory.Ssl.ServerName;
            factory.Ssl.CertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateAgainst(ca, caFile, host, certificate, errors);
        }
        return factory;
    }

    /// <summary>
    /// Trusts exactly the configured CA (RabbitMq:CaFile) instead of the system store. A refusal
    /// throws instead of returning false: SslStream would otherwise report only "rejected by the
    /// provided RemoteCertificateValidationCallback", and the operator needs to know which setting
    /// and which certificate disagree (the exception becomes the innermost cause of the connect failure).
    /// </summary>
    private static bool ValidateAgainst(X509Certificate2 ca, string caFile, string host, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null)
            throw new AuthenticationException($"The broker presented no TLS certificate (RabbitMq:Uri is amqps://, RabbitMq:CaFile '{caFile}').");
        using var leaf = new X509Certificate2(presented);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            throw new AuthenticationException(
                $"The broker's TLS certificate '{leaf.Subject}' does not name the host '{host}' of RabbitMq:Uri: use a host name the certificate names.");
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(leaf)) return true;
        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        throw new AuthenticationException(
            $"The broker's TLS certificate '{leaf.Subject}' (issued by '{leaf.Issuer}') is not trusted by the CA in RabbitMq:CaFile '{caFile}' ('{ca.Subject}'): {status}.");
    }

    /// <summary>The URI without a password, for messages.</summary>
    public static string Redacted(string uri)
    {
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.UserInfo)) return uri;
        var user = parsed.UserInfo.Split(':')[0];
        return new UriBuilder(parsed) { UserName = user, Password = "" }.Uri.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            try
            {
                await _connection.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Already closed or unreachable: nothing left to release on the broker.
            }
            _connection.Dispose();
        }
        _connecting.Dispose();
    }
}
