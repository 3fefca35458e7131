namespace SharedSecretWorker.Telemetry;

/// <summary>
/// Every log EventId of the worker, in one catalogue so that operators can filter on them
/// (docs/operations.md, "Log events"). Each is used by exactly one source-generated
/// <c>[LoggerMessage]</c> method, in the <c>*Log</c> class of the folder that logs it.
/// </summary>
public static class LogEvents
{
    // 1xxx: life cycle
    public const int Starting = 1000;
    public const int Consuming = 1001;
    public const int Stopping = 1002;
    public const int Stopped = 1003;
    public const int HandedBack = 1004;
    public const int TopologyDeclared = 1005;
    public const int TokenEngineReady = 1006;
    public const int ConsumingPaused = 1007;
    public const int ConsumingResumed = 1008;
    public const int LaneChannelReopened = 1009;
    public const int PublishChannelReopened = 1010;
    public const int LegacyQueueDraining = 1011;
    public const int PartitionsShared = 1012;
    public const int GaveUpWhileHeld = 1013;

    // 2xxx: requests
    public const int RequestCompleted = 2000;
    public const int RequestFailed = 2001;
    public const int RequestRetried = 2002;
    public const int RequestDuplicate = 2003;
    public const int SettleFailed = 2004;
    public const int UnexpectedError = 2005;
    public const int RequestCleared = 2006;
    public const int RequestDeliveryLimitReached = 2007;
    public const int DeadLetterWatchFailed = 2008;
    public const int RequestWriteUndone = 2009;
    public const int RequestWriteNotUndone = 2010;
    public const int RequestDeliveryLost = 2011;

    // 3xxx: dependencies
    public const int CircuitOpened = 3000;
    public const int CircuitClosed = 3001;
    public const int CircuitProbeFailed = 3002;
    public const int BrokerConnectionLost = 3003;
    public const int BrokerRecovered = 3004;
    public const int HsmConnected = 3005;
    public const int HsmConnectionLost = 3006;
    public const int HsmReinitialized = 3007;
    public const int HsmRecovered = 3008;
    public const int HsmReinitializedAgain = 3009;
    public const int HsmRecycled = 3010;
    public const int HsmSoftwareKeyWrap = 3011;
    public const int HsmPinRefused = 3012;
    public const int HsmPinAccepted = 3013;
    public const int CircuitOpenedByFault = 3014;
    public const int HsmFinalizeSkipped = 3015;
    public const int DirectoryTimeout = 3100;
    public const int DirectoryConnectionLost = 3101;
    public const int DirectoryWriteConflict = 3102;
    public const int DirectoryWriteGaveUp = 3103;
    public const int DirectoryRacingValuesRemoved = 3104;
    public const int DirectoryPoolRecycled = 3105;
    public const int DirectoryExpirySearchLimited = 3106;

    // 5xxx: token lifecycle (docs/token-lifecycle.md)
    public const int LifecycleWatching = 5000;
    public const int LifecycleWatchInterrupted = 5001;
    public const int TokenConsumed = 5002;
    public const int TokenKept = 5003;
    public const int TokenConsumptionUndecided = 5004;
    public const int TokenAlreadyRemoved = 5005;
    public const int LifecycleCheckpointFailed = 5006;
    public const int ConsumedEventNotPublished = 5007;
    public const int LifecycleChangeFailed = 5008;
    public const int ConsumedEventLost = 5009;
    public const int TokenExpired = 5010;
    public const int ExpirySweepFailed = 5011;
    public const int ExpirySweepForbidden = 5012;
    public const int ExpiryInfoMismatch = 5013;
    public const int ExpiredAlreadyRemoved = 5014;
    public const int ExpirySweepDone = 5015;
    public const int TokenCensusFailed = 5050;
    public const int TokenCensusTaken = 5051;

    // 4xxx: operations (telemetry, health, systemd)
    public const int TelemetryEndpoint = 4000;
    public const int HealthCheckFailed = 4001;
    public const int HealthCheckRecovered = 4002;
    public const int HealthEndpointError = 4003;
    public const int WatchdogEnabled = 4004;
    public const int WatchdogWithheld = 4005;
}
