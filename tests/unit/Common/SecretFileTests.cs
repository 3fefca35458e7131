using SharedSecretWorker.Common;

namespace SharedSecretWorker.Tests.Unit.Common;

public sealed class SecretFileTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-secret-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("1234", "1234")]
    [InlineData("1234\n", "1234")]
    [InlineData("1234\r\n", "1234")]
    [InlineData("12 34\n\n", "12 34\n")]
    public void Drops_one_trailing_line_ending(string content, string expected)
    {
        var path = Path.Combine(_dir, "pin");
        File.WriteAllText(path, content);
        Assert.Equal(expected, SecretFile.ReadString(path, "Hsm:PinFile"));
    }

    [Fact]
    public void Missing_file_names_the_key_and_path()
    {
        var path = Path.Combine(_dir, "absent");
        var error = Assert.Throws<InvalidOperationException>(() => SecretFile.ReadBytes(path, "Hsm:PinFile"));
        Assert.Contains("Hsm:PinFile", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Empty_file_is_refused()
    {
        var path = Path.Combine(_dir, "empty");
        File.WriteAllText(path, "\n");
        Assert.Throws<InvalidOperationException>(() => SecretFile.ReadBytes(path, "Directory:BindPasswordFile"));
    }

    [Fact]
    public void Error_never_contains_the_secret()
    {
        var path = Path.Combine(_dir, "big");
        File.WriteAllText(path, new string('s', SecretFile.MaxBytes + 1));
        var error = Assert.Throws<InvalidOperationException>(() => SecretFile.ReadBytes(path, "Hsm:PinFile"));
        Assert.DoesNotContain("ssss", error.Message);
    }
}
