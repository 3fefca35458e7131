using Microsoft.Extensions.Logging;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tokens;

/// <summary>The token engine's log lines (EventIds in <see cref="LogEvents"/>). Never a PIN, passphrase or key.</summary>
internal static partial class HsmLog
{
    [LoggerMessage(EventId = LogEvents.TokenEngineReady, EventName = nameof(LogEvents.TokenEngineReady), Level = LogLevel.Information,
        Message = "Token engine ready: {Encryptor}.")]
    public static partial void Ready(ILogger logger, string encryptor);

    [LoggerMessage(EventId = LogEvents.HsmReinitialized, EventName = nameof(LogEvents.HsmReinitialized), Level = LogLevel.Warning,
        Message = "PKCS#11 module {Library} re-initialised (C_Finalize, C_Initialize) after token {TokenLabel} became unreachable; it is re-initialised at each retry until the token answers, logged at Debug.")]
    public static partial void Reinitialized(ILogger logger, string library, string tokenLabel);

    [LoggerMessage(EventId = LogEvents.HsmReinitializedAgain, EventName = nameof(LogEvents.HsmReinitializedAgain), Level = LogLevel.Debug,
        Message = "PKCS#11 module {Library} re-initialised again; token {TokenLabel} still unreachable.")]
    public static partial void ReinitializedAgain(ILogger logger, string library, string tokenLabel);

    [LoggerMessage(EventId = LogEvents.HsmRecycled, EventName = nameof(LogEvents.HsmRecycled), Level = LogLevel.Information,
        Message = "PKCS#11 module {Library} re-initialised after {Operations} operations (Hsm:ReinitializeAfterOperations), releasing what it kept of them.")]
    public static partial void Recycled(ILogger logger, string library, long operations);

    [LoggerMessage(EventId = LogEvents.HsmConnected, EventName = nameof(LogEvents.HsmConnected), Level = LogLevel.Information,
        Message = "HSM connection {Generation} to token {TokenLabel} ready; wrapping with {Key}.")]
    public static partial void Connected(ILogger logger, long generation, string tokenLabel, string key);

    [LoggerMessage(EventId = LogEvents.HsmRecovered, EventName = nameof(LogEvents.HsmRecovered), Level = LogLevel.Information,
        Message = "Token {TokenLabel} reachable again after {Outage:0.0} s and {Count} re-initialisations of the module.")]
    public static partial void Recovered(ILogger logger, string tokenLabel, double outage, long count);

    [LoggerMessage(EventId = LogEvents.HsmConnectionLost, EventName = nameof(LogEvents.HsmConnectionLost), Level = LogLevel.Warning,
        Message = "HSM connection {Generation} to token {TokenLabel} lost ({Cause}, anchor session {Anchor}); reconnecting on the next call.")]
    public static partial void ConnectionLost(ILogger logger, long generation, string tokenLabel, string cause, string anchor);

    [LoggerMessage(EventId = LogEvents.HsmFinalizeSkipped, EventName = nameof(LogEvents.HsmFinalizeSkipped), Level = LogLevel.Warning,
        Message = "PKCS#11 module {Library} not finalized at shutdown: a call was still inside it after {Wait} (Hsm:SessionWaitTimeout).")]
    public static partial void FinalizeSkipped(ILogger logger, string library, TimeSpan wait);

    [LoggerMessage(EventId = LogEvents.HsmSoftwareKeyWrap, EventName = nameof(LogEvents.HsmSoftwareKeyWrap), Level = LogLevel.Warning,
        Message = "Token '{TokenLabel}' cannot wrap with RSA-OAEP SHA-256; Hsm:AllowSoftwareKeyWrap is on, so each session key is extracted from the HSM and wrapped in this process. Use an HSM that supports CKM_RSA_PKCS_OAEP with SHA-256 in production.")]
    public static partial void SoftwareKeyWrap(ILogger logger, string tokenLabel);

    [LoggerMessage(EventId = LogEvents.HsmPinRefused, EventName = nameof(LogEvents.HsmPinRefused), Level = LogLevel.Error,
        Message = "Token {TokenLabel} refused the user PIN from Hsm:PinFile ({Code}); C_Login is not tried again until {PinFile} holds another PIN. Requests wait meanwhile.")]
    public static partial void PinRefused(ILogger logger, string tokenLabel, string code, string pinFile);

    [LoggerMessage(EventId = LogEvents.HsmPinAccepted, EventName = nameof(LogEvents.HsmPinAccepted), Level = LogLevel.Information,
        Message = "Token {TokenLabel} accepted the PIN now in {PinFile}.")]
    public static partial void PinAccepted(ILogger logger, string tokenLabel, string pinFile);
}
