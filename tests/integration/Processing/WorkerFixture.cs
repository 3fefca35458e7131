using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Processing;

/// <summary>One worker (PKCS#1 key wrap, the stack's defaults) shared by the tests of <see cref="WorkerCollection"/>.</summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    private WorkerUnderTest? _worker;

    public WorkerUnderTest Worker => _worker ?? throw new InvalidOperationException("the worker did not start");

    public async Task InitializeAsync() => _worker = await WorkerUnderTest.StartAsync();

    public async Task DisposeAsync()
    {
        if (_worker is not null) await _worker.DisposeAsync();
    }
}
