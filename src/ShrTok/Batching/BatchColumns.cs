using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Batching;

/// <summary>
/// The header of a batch file (docs/cli.md, <c>shrtok batch</c>): <c>uid,channel,address</c>
/// for enrollments or <c>serial,channel,address</c> for revocations, in any order, each once.
/// </summary>
internal sealed class BatchColumns
{
    /// <summary>Column of an enrollment's user.</summary>
    public const string Uid = "uid";

    /// <summary>Column of a revocation's certificate serial.</summary>
    public const string Serial = "serial";

    /// <summary>Column of the delivery channel.</summary>
    public const string Channel = "channel";

    /// <summary>Column of the delivery address.</summary>
    public const string Address = "address";

    private BatchColumns(RequestKind kind, string[] header, int target, int channel, int address)
    {
        Kind = kind;
        Header = header;
        TargetIndex = target;
        ChannelIndex = channel;
        AddressIndex = address;
    }

    /// <summary>Enrollment (uid column) or revocation (serial column).</summary>
    public RequestKind Kind { get; }

    /// <summary>The header as written in the file.</summary>
    public string[] Header { get; }

    public int TargetIndex { get; }
    public int ChannelIndex { get; }
    public int AddressIndex { get; }

    /// <summary>The target column's name: uid or serial.</summary>
    public string TargetName => Kind == RequestKind.Enrollment ? Uid : Serial;

    /// <summary>Reads a header; null and <paramref name="problem"/> when it is not one of the two forms.</summary>
    public static BatchColumns? Parse(string[] header, out string? problem)
    {
        const string Expected = "expected the header uid,channel,address (enrollments) or serial,channel,address (revocations)";
        string[] known = [Uid, Serial, Channel, Address];
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i];
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                problem = $"column {i + 1} of the header is '{name}', which is not a batch column; {Expected}.";
                return null;
            }
            if (positions.TryGetValue(name, out var earlier))
            {
                problem = $"the header names column '{name}' twice (columns {earlier + 1} and {i + 1}); {Expected}.";
                return null;
            }
            positions[name] = i;
        }
        int At(string name) => positions.TryGetValue(name, out var index) ? index : -1;
        int uid = At(Uid), serial = At(Serial), channel = At(Channel), address = At(Address);
        if (uid >= 0 && serial >= 0)
        {
            problem = $"the header has both 'uid' and 'serial'; a batch is either enrollments or revocations: {Expected}.";
            return null;
        }
        var missing = new[] { (uid < 0 && serial < 0, "uid or serial"), (channel < 0, Channel), (address < 0, Address) }
            .Where(m => m.Item1).Select(m => m.Item2).ToList();
        if (missing.Count > 0)
        {
            problem = $"the header lacks {string.Join(" and ", missing)}; {Expected}.";
            return null;
        }
        problem = null;
        return uid >= 0
            ? new BatchColumns(RequestKind.Enrollment, header, uid, channel, address)
            : new BatchColumns(RequestKind.Revocation, header, serial, channel, address);
    }
}
