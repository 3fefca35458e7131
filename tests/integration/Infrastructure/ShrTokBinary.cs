namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// The built <c>shrtok</c> command (the test project references it, so shrtok.dll lies beside the test
/// binaries): tests run it as an operator does, <c>dotnet shrtok.dll …</c>.
/// </summary>
internal static class ShrTokBinary
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "shrtok.dll");
}
