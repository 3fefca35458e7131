using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Telemetry;

/// <summary>Every log EventId of the worker, in one place so that operators can filter on them.</summary>
public static class LogEvents
{
    // 1xxx: life cycle
    public static readonly EventId Starting = new(1000, nameof(Starting));
    public static readonly EventId Consuming = new(1001, nameof(Consuming));
    public static readonly EventId Stopping = new(1002, nameof(Stopping));
    public static readonly EventId Stopped = new(1003, nameof(Stopped));
    public static readonly EventId HandedBack = new(1004, nameof(HandedBack));
    public static readonly EventId TopologyDeclared = new(1005, nameof(TopologyDeclared));

    // 2xxx: requests
    public static readonly EventId RequestCompleted = new(2000, nameof(RequestCompleted));
    public static readonly EventId RequestFailed = new(2001, nameof(RequestFailed));
    public static readonly EventId RequestRetried = new(2002, nameof(RequestRetried));
    public static readonly EventId RequestDuplicate = new(2003, nameof(RequestDuplicate));
    public static readonly EventId SettleFailed = new(2004, nameof(SettleFailed));
    public static readonly EventId UnexpectedError = new(2005, nameof(UnexpectedError));

    // 3xxx: dependencies
    public static readonly EventId CircuitOpened = new(3000, nameof(CircuitOpened));
    public static readonly EventId CircuitClosed = new(3001, nameof(CircuitClosed));
    public static readonly EventId CircuitProbeFailed = new(3002, nameof(CircuitProbeFailed));
    public static readonly EventId BrokerConnectionLost = new(3003, nameof(BrokerConnectionLost));
    public static readonly EventId BrokerRecovered = new(3004, nameof(BrokerRecovered));
    public static readonly EventId HsmConnected = new(3005, nameof(HsmConnected));
    public static readonly EventId HsmConnectionLost = new(3006, nameof(HsmConnectionLost));
    public static readonly EventId HsmReinitialized = new(3007, nameof(HsmReinitialized));
    public static readonly EventId HsmRecovered = new(3008, nameof(HsmRecovered));

    // 4xxx: operations (telemetry, health, systemd)
    public static readonly EventId TelemetryEndpoint = new(4000, nameof(TelemetryEndpoint));
    public static readonly EventId HealthCheckFailed = new(4001, nameof(HealthCheckFailed));
    public static readonly EventId HealthCheckRecovered = new(4002, nameof(HealthCheckRecovered));
    public static readonly EventId HealthEndpointError = new(4003, nameof(HealthEndpointError));
    public static readonly EventId WatchdogEnabled = new(4004, nameof(WatchdogEnabled));
    public static readonly EventId WatchdogWithheld = new(4005, nameof(WatchdogWithheld));
}
