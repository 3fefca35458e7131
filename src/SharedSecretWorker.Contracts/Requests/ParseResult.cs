using System.Diagnostics.CodeAnalysis;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>Outcome of <see cref="RequestParser.Parse"/>: exactly one of a request or a rejection.</summary>
public sealed class ParseResult
{
    private ParseResult(WorkRequest? request, RequestRejection? rejection)
    {
        Request = request;
        Rejection = rejection;
    }

    /// <summary>The request, when the message was valid.</summary>
    public WorkRequest? Request { get; }

    /// <summary>Why the message was refused, when it was not valid.</summary>
    public RequestRejection? Rejection { get; }

    /// <summary>True when <see cref="Request"/> is set (and <see cref="Rejection"/> is null).</summary>
    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool Succeeded => Request is not null;

    /// <summary>A valid request.</summary>
    public static ParseResult Success(WorkRequest request) =>
        new(request ?? throw new ArgumentNullException(nameof(request)), null);

    /// <summary>A refused message.</summary>
    public static ParseResult Failure(RequestRejection rejection) =>
        new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));
}
