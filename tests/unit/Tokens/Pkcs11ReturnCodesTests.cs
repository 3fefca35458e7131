using Net.Pkcs11Interop.Common;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Unit.Tokens;

public sealed class Pkcs11ReturnCodesTests
{
    [Theory]
    [InlineData(CKR.CKR_SESSION_HANDLE_INVALID)]
    [InlineData(CKR.CKR_SESSION_CLOSED)]
    [InlineData(CKR.CKR_DEVICE_REMOVED)]
    [InlineData(CKR.CKR_DEVICE_ERROR)]
    [InlineData(CKR.CKR_TOKEN_NOT_PRESENT)]
    [InlineData(CKR.CKR_USER_NOT_LOGGED_IN)]
    [InlineData(CKR.CKR_CRYPTOKI_NOT_INITIALIZED)]
    [InlineData(CKR.CKR_GENERAL_ERROR)]
    [InlineData(CKR.CKR_KEY_HANDLE_INVALID)]
    public void Session_and_device_failures_are_transient(CKR rv) => Assert.True(Pkcs11ReturnCodes.IsTransient(rv));

    [Theory]
    [InlineData(CKR.CKR_ARGUMENTS_BAD)]
    [InlineData(CKR.CKR_MECHANISM_INVALID)]
    [InlineData(CKR.CKR_MECHANISM_PARAM_INVALID)]
    [InlineData(CKR.CKR_PIN_INCORRECT)]
    [InlineData(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED)]
    [InlineData(CKR.CKR_TEMPLATE_INCONSISTENT)]
    public void Request_and_configuration_failures_are_permanent(CKR rv) => Assert.False(Pkcs11ReturnCodes.IsTransient(rv));

    [Theory]
    [InlineData(CKR.CKR_ARGUMENTS_BAD, true)]
    [InlineData(CKR.CKR_MECHANISM_INVALID, true)]
    [InlineData(CKR.CKR_MECHANISM_PARAM_INVALID, true)]
    [InlineData(CKR.CKR_SESSION_HANDLE_INVALID, false)]
    [InlineData(CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, false)]
    public void Only_mechanism_refusals_count_as_an_unsupported_wrap(CKR rv, bool unsupported) =>
        Assert.Equal(unsupported, Pkcs11ReturnCodes.IsUnsupportedMechanism(rv));
}
