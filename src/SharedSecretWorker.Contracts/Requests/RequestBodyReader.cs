using System.Text.Json;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Walks a request body token by token (Utf8JsonReader) so that what a DOM or a serializer would
/// silently accept is seen and refused: duplicate members (the last would win), unknown members,
/// members of the wrong JSON type, nulls, comments, trailing data. The walk goes on after a
/// member-level problem so that requestId, kind and batchId can still reach the failed result.
/// </summary>
internal static class RequestBodyReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>A request nests one level (delivery); anything deeper is inside an unknown member and only skipped.</summary>
    private const int MaxDepth = 32;

    public static RawRequest Read(ReadOnlySpan<byte> json)
    {
        var raw = new RawRequest();
        var reader = new Utf8JsonReader(json, Options);
        try
        {
            if (!reader.Read())
            {
                raw.SyntaxError = "The body holds no JSON value; expected a request object such as {\"version\": 1, \"kind\": \"enrollment\", ...}.";
                return raw;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                raw.SyntaxError = $"The body is {Describe(reader.TokenType)}; a request is a JSON object.";
                return raw;
            }
            ReadTopLevel(ref reader, raw);
        }
        catch (JsonException e)
        {
            raw.SyntaxError = $"The body is not valid JSON: {Position(e)}{StripPosition(e.Message)}";
            return raw;
        }
        catch (InvalidOperationException)
        {
            // Only a member name can get here: string values are read with their own guard.
            raw.SyntaxError = "The body holds a field name with an escape sequence that is not valid UTF-16 (a lone surrogate such as \\uD800).";
            return raw;
        }
        try
        {
            if (reader.Read())
                raw.SyntaxError = $"The body holds data after the request object, at byte {reader.TokenStartIndex + 1}; send exactly one JSON object.";
        }
        catch (JsonException e)
        {
            raw.SyntaxError = $"The body holds data after the request object ({Position(e).TrimEnd(' ', ':')}); send exactly one JSON object.";
        }
        return raw;
    }

    private static void ReadTopLevel(ref Utf8JsonReader reader, RawRequest raw)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!seen.Add(name))
            {
                raw.Fail($"Field {TextExcerpt.Quote(name)} appears more than once; each field may appear once.");
                reader.Skip();
                continue;
            }
            switch (name)
            {
                case RequestFields.Version:
                    raw.HasVersion = true;
                    ReadVersion(ref reader, raw);
                    break;
                case RequestFields.Kind:
                    raw.Kind = ReadString(ref reader, raw, name);
                    break;
                case RequestFields.RequestId:
                    raw.RequestId = ReadString(ref reader, raw, name);
                    break;
                case RequestFields.BatchId:
                    raw.BatchId = ReadString(ref reader, raw, name);
                    break;
                case RequestFields.Uid:
                    raw.Uid = ReadString(ref reader, raw, name);
                    break;
                case RequestFields.Serial:
                    raw.Serial = ReadString(ref reader, raw, name);
                    break;
                case RequestFields.Delivery:
                    raw.HasDelivery = true;
                    ReadDelivery(ref reader, raw);
                    break;
                case RequestFields.LifetimeSeconds:
                    raw.HasLifetime = true;
                    raw.LifetimeSeconds = ReadInteger(ref reader, raw, name);
                    break;
                default:
                    raw.Fail(Unknown(name, name, RequestFields.TopLevel, "a version-1 request"));
                    reader.Skip();
                    break;
            }
        }
    }

    private static void ReadVersion(ref Utf8JsonReader reader, RawRequest raw)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            raw.VersionError = reader.TokenType == JsonTokenType.Null
                ? "Field 'version' is null; it must be the number 1."
                : $"Field 'version' must be a JSON number (1), not {Describe(reader.TokenType)}.";
            reader.Skip();
            return;
        }
        if (reader.TryGetInt32(out var version))
            raw.Version = version;
        else
            raw.VersionError = $"Field 'version' must be an integer; '{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}' is not one this worker reads (it reads version 1).";
    }

    private static void ReadDelivery(ref Utf8JsonReader reader, RawRequest raw)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            raw.Fail(reader.TokenType == JsonTokenType.Null
                ? "Field 'delivery' is null; it must be an object {\"channel\": ..., \"address\": ...}."
                : $"Field 'delivery' must be an object {{\"channel\": ..., \"address\": ...}}, not {Describe(reader.TokenType)}.");
            reader.Skip();
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            var path = $"{RequestFields.Delivery}.{name}";
            reader.Read();
            if (!seen.Add(name))
            {
                raw.Fail($"Field {TextExcerpt.Quote(path)} appears more than once; each field may appear once.");
                reader.Skip();
                continue;
            }
            switch (name)
            {
                case RequestFields.Channel:
                    raw.Channel = ReadString(ref reader, raw, path);
                    break;
                case RequestFields.Address:
                    raw.Address = ReadString(ref reader, raw, path);
                    break;
                default:
                    raw.Fail(Unknown(name, path, RequestFields.InDelivery, "'delivery'"));
                    reader.Skip();
                    break;
            }
        }
    }

    /// <summary>
    /// The integer value of the current token, or null after recording why it is not one. Only a plain
    /// JSON integer is one: <c>30.0</c>, <c>3e1</c> and <c>"30"</c> are refused, as the strict rules want.
    /// </summary>
    private static long? ReadInteger(ref Utf8JsonReader reader, RawRequest raw, string path)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            raw.Fail(reader.TokenType == JsonTokenType.Null
                ? $"Field '{path}' is null; give an integer, or leave the field out where it is optional."
                : $"Field '{path}' must be a JSON integer, not {Describe(reader.TokenType)}.");
            reader.Skip();
            return null;
        }
        var text = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0 || !reader.TryGetInt64(out var value))
        {
            raw.Fail($"Field '{path}' must be an integer; {TextExcerpt.Quote(text)} is not one.");
            return null;
        }
        return value;
    }

    /// <summary>The string value of the current token, or null after recording why it is not one.</summary>
    private static string? ReadString(ref Utf8JsonReader reader, RawRequest raw, string path)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            raw.Fail(reader.TokenType == JsonTokenType.Null
                ? $"Field '{path}' is null; give a string, or leave the field out where it is optional."
                : $"Field '{path}' must be a JSON string, not {Describe(reader.TokenType)}.");
            reader.Skip();
            return null;
        }
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // A \uD800-style escape without its other half cannot become text (RFC 8259 section 8.2).
            raw.Fail($"Field '{path}' holds an escape sequence that is not valid UTF-16 (a lone surrogate such as \\uD800).");
            return null;
        }
    }

    private static string Unknown(string name, string path, string[] known, string owner)
    {
        var shown = TextExcerpt.Quote(path);
        var near = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        return near is not null
            ? $"Unknown field {shown}; field names are case-sensitive: did you mean '{near}'?"
            : $"Unknown field {shown}; {owner} has only {string.Join(", ", known)}.";
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string Position(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } position
            ? $"line {line + 1}, byte {position + 1}: "
            : "";

    /// <summary>Drops the reader's own " LineNumber: 0 | BytePositionInLine: 5." suffix; <see cref="Position"/> says it in words.</summary>
    private static string StripPosition(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = at < 0 ? message : message[..at];
        // The reader suggests changing its options; the sender cannot, and this worker will not.
        return text.Replace(" Change the reader options.", "", StringComparison.Ordinal);
    }
}
