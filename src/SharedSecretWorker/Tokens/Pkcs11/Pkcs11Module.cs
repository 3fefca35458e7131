using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace SharedSecretWorker.Tokens.Pkcs11;

/// <summary>
/// One loaded PKCS#11 module per path and process. C_Initialize may be called once per process
/// (a second call gives CKR_CRYPTOKI_ALREADY_INITIALIZED) and C_Finalize ends every session of
/// the process, so every user of a module shares this instance; the last one to leave finalizes.
/// </summary>
internal sealed class Pkcs11Module : IDisposable
{
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock LoadedLock = new();
    private readonly string _path;
    private int _references;

    private Pkcs11Module(string path, Pkcs11InteropFactories factories, IPkcs11Library library)
    {
        _path = path;
        Factories = factories;
        Library = library;
    }

    /// <summary>Pkcs11Interop's factories for mechanisms, attributes and parameters.</summary>
    public Pkcs11InteropFactories Factories { get; }

    /// <summary>The initialised module.</summary>
    public IPkcs11Library Library { get; }

    /// <summary>Loads the module (or shares the loaded one); dispose the result to release it.</summary>
    /// <exception cref="TokenEngineException">The file is not a loadable PKCS#11 module.</exception>
    public static Pkcs11Module Acquire(string path)
    {
        Pkcs11NativeResolver.EnsureInstalled();
        var fullPath = Path.GetFullPath(path);
        lock (LoadedLock)
        {
            if (!Loaded.TryGetValue(fullPath, out var module))
            {
                var factories = new Pkcs11InteropFactories();
                IPkcs11Library library;
                try
                {
                    // Multi-threaded: the pool uses sessions from many threads at once.
                    library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, fullPath, AppType.MultiThreaded);
                }
                catch (Exception e) when (e is UnmanagedException or Pkcs11Exception or DllNotFoundException or EntryPointNotFoundException)
                {
                    throw new TokenEngineException($"Hsm:Library: the PKCS#11 module '{fullPath}' cannot be loaded or initialised: {e.Message}", e);
                }
                module = new Pkcs11Module(fullPath, factories, library);
                Loaded.Add(fullPath, module);
            }
            module._references++;
            return module;
        }
    }

    /// <summary>Releases this user's share; the last one finalizes the module.</summary>
    public void Dispose()
    {
        lock (LoadedLock)
        {
            if (_references == 0) return;
            if (--_references > 0) return;
            Loaded.Remove(_path);
        }
        try
        {
            Library.Dispose();
        }
        catch (Pkcs11Exception)
        {
            // C_Finalize failing at shutdown leaves nothing to clean up.
        }
    }
}
