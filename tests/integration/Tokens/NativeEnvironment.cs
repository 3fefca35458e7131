using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>
/// Sets variables in the native process environment. On Linux, .NET's
/// Environment.SetEnvironmentVariable changes only the runtime's own copy: native code calling
/// getenv (SoftHSM2 reads SOFTHSM2_CONF in C_Initialize) never sees it. libc's setenv does.
/// </summary>
public static class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> for managed and native code alike.</summary>
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsWindows()) return;
        if (SetEnv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>
    /// Points SoftHSM2 at the stack's token before any test loads the module (module initializer:
    /// runs once when this test assembly loads). Without a stack nothing is set; the tests that
    /// need it fail with StackEnvironment's message.
    /// </summary>
#pragma warning disable CA2255 // A test assembly is the application here: it must configure the native environment before any test runs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ConfigureSoftHsm()
    {
        try
        {
            if (StackEnvironment.Load().Find("STACK_SOFTHSM2_CONF") is { } conf) Set("SOFTHSM2_CONF", conf);
        }
        catch (InvalidOperationException)
        {
            // Stack not up: HSM tests report that themselves.
        }
    }

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
#pragma warning restore SYSLIB1054
}
