using System.Text;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tests.Shared;
using SharedSecretWorker.Tokens;
using SharedSecretWorker.Tokens.Pkcs11;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>
/// A token that goes away and comes back, as with <c>deploy/local/stack stop hsm</c> / <c>start hsm</c>
/// (the token directory moved aside and back). A throw-away token of its own in the stack's SoftHSM2
/// token directory is moved, never the stack's token, so other tests and processes are not disturbed.
/// </summary>
[Collection(HsmCollection.Name)]
public sealed class TokenRemovalTests
{
    [Fact]
    public async Task Calls_fail_as_transient_while_the_token_is_gone_and_work_again_once_it_is_back()
    {
        var options = StackHsm.Options(maxSessions: 2);
        var tokenDirectory = TokenDirectory(StackHsm.Stack.Get("STACK_SOFTHSM2_CONF"));
        var label = "shrtok-removal-" + Guid.NewGuid().ToString("N")[..8];
        using var folder = new TempFolder();
        var pinFile = folder.Write("pin", "4321\n");
        var before = System.IO.Directory.GetDirectories(tokenDirectory).ToHashSet();
        var init = await ProcessRun.RunAsync("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "87654321", "--pin", "4321"],
            environment: new Dictionary<string, string> { ["SOFTHSM2_CONF"] = StackHsm.Stack.Get("STACK_SOFTHSM2_CONF") });
        Assert.True(init.ExitCode == 0, init.Error);
        var ours = Assert.Single(System.IO.Directory.GetDirectories(tokenDirectory), d => !before.Contains(d));
        var aside = Path.Combine(Path.GetDirectoryName(tokenDirectory.TrimEnd('/'))!, "removed-" + label);
        try
        {
            // SoftHSM2 lists tokens as of C_Initialize: if this process already has the module
            // initialised (another test's worker), re-initialise it so the new token is seen.
            using (var module = Pkcs11Module.Acquire(options.Library)) module.Reinitialize(module.Current);
            options.TokenLabel = label;
            options.PinFile = pinFile;
            await using var encryptor = new Pkcs11TokenEncryptor(options, KeyWrap.Pkcs1, IssuanceProtectionKey.FromFile(StackHsm.CertificateFile, "test"), new RecordingLogger());
            using var decryptor = StackHsm.Decryptor(KeyWrap.Pkcs1);
            Assert.Equal("before", decryptor.DecryptToString(await encryptor.EncryptAsync("before"u8.ToArray(), CancellationToken.None)));

            System.IO.Directory.Move(ours, aside);
            // Sessions already open keep working in SoftHSM2's memory; a device reset ends them.
            encryptor.Pool.CloseAllSessionsOnSlot();
            for (var attempt = 0; attempt < 4; attempt++)
            {
                await Assert.ThrowsAsync<HsmUnavailableException>(async () => await encryptor.EncryptAsync("gone"u8.ToArray(), CancellationToken.None));
            }

            System.IO.Directory.Move(aside, ours);
            string? token = null;
            var failures = 0;
            for (var attempt = 0; attempt < 3 && token is null; attempt++)
            {
                try
                {
                    token = await encryptor.EncryptAsync(Encoding.ASCII.GetBytes("back"), CancellationToken.None);
                }
                catch (HsmUnavailableException)
                {
                    failures++;
                }
            }
            Assert.NotNull(token);
            Assert.InRange(failures, 0, 1);
            Assert.Equal("back", decryptor.DecryptToString(token));
        }
        finally
        {
            if (System.IO.Directory.Exists(aside)) System.IO.Directory.Move(aside, ours);
            var delete = await ProcessRun.RunAsync("softhsm2-util", ["--delete-token", "--token", label],
                environment: new Dictionary<string, string> { ["SOFTHSM2_CONF"] = StackHsm.Stack.Get("STACK_SOFTHSM2_CONF") });
            Assert.True(delete.ExitCode == 0, delete.Error);
            // This process's module still lists the deleted token's slot (SoftHSM2 reads its tokens
            // at C_Initialize, and answers CKR_GENERAL_ERROR for one deleted since): re-initialise
            // it, or the tests after this one meet a broken slot.
            using var module = Pkcs11Module.Acquire(options.Library);
            module.Reinitialize(module.Current);
        }
    }

    private static string TokenDirectory(string softHsmConf)
    {
        foreach (var line in File.ReadLines(softHsmConf))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] == "directories.tokendir") return parts[1];
        }
        throw new InvalidOperationException($"{softHsmConf} names no directories.tokendir.");
    }
}
