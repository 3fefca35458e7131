using System.DirectoryServices.Protocols;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>Reading values from S.DS.P search results and building modifications.</summary>
internal static class LdapValues
{
    public const string ObjectClassAttribute = "objectClass";

    /// <summary>The raw values (S.DS.P hands every value over as bytes); none when the attribute is absent.</summary>
    public static List<byte[]> Of(SearchResultEntry entry, string attribute)
    {
        // Attribute names in results keep the server's spelling; S.DS.P's collection lookup ignores case.
        var values = entry.Attributes[attribute];
        return values is null ? [] : values.GetValues(typeof(byte[])).Cast<byte[]>().ToList();
    }

    public static List<string> Strings(SearchResultEntry entry, string attribute)
        => Of(entry, attribute).Select(v => Encoding.UTF8.GetString(v)).ToList();

    /// <summary>Object class names compare ignoring case (they are descriptors, RFC 4512).</summary>
    public static bool HasObjectClass(SearchResultEntry entry, string objectClass)
        => Strings(entry, ObjectClassAttribute).Contains(objectClass, StringComparer.OrdinalIgnoreCase);

    public static DirectoryAttributeModification Modification(string attribute, DirectoryAttributeOperation operation, params byte[][] values)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = operation };
        foreach (var value in values) modification.Add(value);
        return modification;
    }
}
