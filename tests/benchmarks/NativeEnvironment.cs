using System.Runtime.InteropServices;

namespace SharedSecretWorker.Benchmarks;

/// <summary>
/// Sets an environment variable where native code reads it too: SoftHSM2 reads <c>SOFTHSM2_CONF</c> with
/// getenv, which does not see <see cref="Environment.SetEnvironmentVariable(string, string)"/> on Linux.
/// </summary>
internal static class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows() && SetEnv(name, value, 1) != 0)
            throw new InvalidOperationException($"setenv({name}) failed.");
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for the project.
    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
#pragma warning restore SYSLIB1054
}
