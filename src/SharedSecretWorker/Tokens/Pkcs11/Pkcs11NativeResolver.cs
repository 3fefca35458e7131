using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// Pkcs11Interop calls dlopen through <c>[DllImport("libdl")]</c>. Debian 12 ships only
/// <c>libdl.so.2</c> (<c>libdl.so</c> comes with libc6-dev), so loading fails with "Unable to load
/// shared library 'libdl'" (upstream issues Pkcs11Interop#168, #239; the maintainer's advice is a
/// DllImportResolver). The resolver can be set once per assembly and process.
/// </summary>
internal static class Pkcs11NativeResolver
{
    private const string LibDl = "libdl";
    private static readonly string[] Candidates = ["libdl.so.2", "libc.so.6"];
    private static int _installed;

    /// <summary>Installs the resolver for the Pkcs11Interop assembly, once; safe from any thread.</summary>
    public static void EnsureInstalled()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone (a host, another library) already set a resolver for Pkcs11Interop; theirs stands.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibDl) return IntPtr.Zero;
        // Prefer the name the distribution ships; libc.so.6 has held dlopen itself since glibc 2.34.
        if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var handle)) return handle;
        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out handle)) return handle;
        }
        return IntPtr.Zero;
    }
}
