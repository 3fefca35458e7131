namespace SharedSecretWorker.Directory;

/// <summary>How the token lifecycle came to see a certificate record.</summary>
public enum CertificateRecordChangeKind
{
    /// <summary>The persistent search reported the record added (the CA issued a certificate).</summary>
    Added,

    /// <summary>The persistent search reported the record modified (e.g. revoked).</summary>
    Modified,

    /// <summary>The catch-up search found the record created or revoked since the checkpoint: what changed is not known.</summary>
    Found,
}

/// <summary>A certificate record and how it was seen.</summary>
public sealed record CertificateRecordChange(CertificateRecordChangeKind Kind, CertificateRecord Record);
