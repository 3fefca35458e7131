using System.Runtime.InteropServices;
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
    private readonly IntPtr _pin;
    private readonly Lock _libraryLock = new();
    private IPkcs11Library? _library;
    private int _references;

    private Pkcs11Module(string path, IntPtr pin, Pkcs11InteropFactories factories, IPkcs11Library library)
    {
        _path = path;
        _pin = pin;
        Factories = factories;
        _library = library;
    }

    /// <summary>Pkcs11Interop's factories for mechanisms, attributes and parameters.</summary>
    public Pkcs11InteropFactories Factories { get; }

    /// <summary>The initialised module.</summary>
    /// <exception cref="HsmUnavailableException">The last re-initialisation failed; the next one is tried on the next connection.</exception>
    public IPkcs11Library Library
    {
        get
        {
            lock (_libraryLock)
            {
                return _library ?? throw new HsmUnavailableException($"The PKCS#11 module '{_path}' is not initialised (re-initialisation failed); it is retried on the next call.");
            }
        }
    }

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
                // Our own reference keeps the module mapped when Pkcs11Interop unloads it during
                // re-initialisation, so threads still holding its function pointers never jump into
                // unmapped code.
                if (!NativeLibrary.TryLoad(fullPath, out var pin))
                    throw new TokenEngineException($"Hsm:Library: the PKCS#11 module '{fullPath}' cannot be loaded (missing dependency or wrong architecture).");
                var factories = new Pkcs11InteropFactories();
                IPkcs11Library library;
                try
                {
                    library = Load(factories, fullPath);
                }
                catch
                {
                    NativeLibrary.Free(pin);
                    throw;
                }
                module = new Pkcs11Module(fullPath, pin, factories, library);
                Loaded.Add(fullPath, module);
            }
            module._references++;
            return module;
        }
    }

    /// <summary>
    /// C_Finalize then C_Initialize: the only way to make some modules see a token that went away and
    /// came back (SoftHSM2 answers CKR_GENERAL_ERROR for it until re-initialised). Every session of
    /// the process ends; callers abandon their handles. Nothing happens when another caller has
    /// already re-initialised since <paramref name="seen"/> was read.
    /// </summary>
    /// <exception cref="HsmUnavailableException">C_Initialize failed; the next call tries again.</exception>
    public void Reinitialize(IPkcs11Library? seen)
    {
        lock (_libraryLock)
        {
            if (_library is not null && !ReferenceEquals(_library, seen)) return;
            if (_library is not null)
            {
                try
                {
                    _library.Dispose();
                }
                catch (Pkcs11Exception)
                {
                    // C_Finalize of a module in trouble may fail; C_Initialize below decides.
                }
                _library = null;
            }
            try
            {
                _library = Load(Factories, _path);
            }
            catch (TokenEngineException e)
            {
                throw new HsmUnavailableException($"The PKCS#11 module '{_path}' cannot be re-initialised now; retrying on the next call.", e);
            }
        }
    }

    /// <summary>The current library object, or null while it is not initialised (for <see cref="Reinitialize"/>).</summary>
    public IPkcs11Library? Current
    {
        get
        {
            lock (_libraryLock) return _library;
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
        lock (_libraryLock)
        {
            try
            {
                _library?.Dispose();
            }
            catch (Pkcs11Exception)
            {
                // C_Finalize failing at shutdown leaves nothing to clean up.
            }
            _library = null;
        }
        NativeLibrary.Free(_pin);
    }

    private static IPkcs11Library Load(Pkcs11InteropFactories factories, string path)
    {
        try
        {
            // Multi-threaded: the pool uses sessions from many threads at once.
            return factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, path, AppType.MultiThreaded);
        }
        catch (Exception e) when (e is UnmanagedException or Pkcs11Exception or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new TokenEngineException($"Hsm:Library: the PKCS#11 module '{path}' cannot be loaded or initialised: {e.Message}", e);
        }
    }
}
