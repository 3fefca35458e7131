using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using SharedSecretWorker.Contracts;
using SharedSecretWorker.Hosting;

namespace SharedSecretWorker.Tests.Unit.Architecture;

/// <summary>
/// Keeps the daemon's folders depending one way (docs/architecture.md): the broker adapter calls
/// processing, processing knows no RabbitMQ, LDAP or PKCS#11 type, telemetry and the small shared
/// things depend on no domain folder, and the contract library depends on nothing of the daemon.
/// Each rule fails when someone adds a backward arrow.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly ArchUnitNET.Domain.Architecture Daemon = new ArchLoader()
        .LoadAssemblies(typeof(WorkerHost).Assembly)
        .Build();

    private const string Root = "SharedSecretWorker";

    /// <summary>
    /// No cycle between the top-level folders (a folder's subfolders, such as Tokens/Pkcs11, count as
    /// the folder). ArchUnitNET 0.13's slices name Tokens.Pkcs11 a slice of its own, so the folder
    /// graph is built here from ArchUnitNET's type dependencies and searched for a cycle.
    /// </summary>
    [Fact]
    public void The_daemons_folders_form_no_cycle()
    {
        var edges = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var type in Daemon.Types)
        {
            if (FolderOf(type.Namespace?.FullName) is not { } from) continue;
            foreach (var dependency in type.Dependencies)
            {
                if (FolderOf(dependency.Target?.Namespace?.FullName) is not { } to || to == from) continue;
                if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new SortedSet<string>(StringComparer.Ordinal);
                targets.Add(to);
            }
        }
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"Folders depend on each other in a cycle: {string.Join(" -> ", cycle ?? [])}. " +
            $"Every arrow: {string.Join("; ", edges.Select(e => e.Key + " -> " + string.Join(", ", e.Value)))}");
    }

    private static string? FolderOf(string? ns) =>
        ns is not null && ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : null;

    private static List<string>? FindCycle(SortedDictionary<string, SortedSet<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.Skip(path.IndexOf(next)), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in edges.Keys)
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }

    [Theory]
    [InlineData("RabbitMQ.Client")]
    [InlineData("System.DirectoryServices.Protocols")]
    [InlineData("Net.Pkcs11Interop")]
    public void Processing_references_no_broker_directory_or_hsm_type(string library) =>
        Types().That().ResideInNamespaceMatching(Root + @"\.Processing(\..*)?")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(System.Text.RegularExpressions.Regex.Escape(library) + @"(\..*)?")
            .Because("processing is unit-tested with fakes; adapters sit at the edges")
            .Check(Daemon);

    [Theory]
    [InlineData("RabbitMQ.Client")]
    [InlineData("System.DirectoryServices.Protocols")]
    [InlineData("Net.Pkcs11Interop")]
    public void The_token_lifecycle_references_no_broker_directory_or_hsm_type(string library) =>
        Types().That().ResideInNamespaceMatching(Root + @"\.Lifecycle(\..*)?")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(System.Text.RegularExpressions.Regex.Escape(library) + @"(\..*)?")
            .Because("the lifecycle's decisions are unit-tested with fakes; the LDAP and broker adapters sit at the edges")
            .Check(Daemon);

    [Theory]
    [InlineData("Processing")]
    [InlineData("Lifecycle")]
    [InlineData("Directory")]
    [InlineData("Tokens")]
    [InlineData("Delivery")]
    [InlineData("Telemetry")]
    [InlineData("Common")]
    public void The_broker_adapter_is_used_only_by_the_host(string folder) =>
        Types().That().ResideInNamespaceMatching(Root + @"\." + folder + @"(\..*)?")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(Root + @"\.Broker(\..*)?")
            .Check(Daemon);

    [Theory]
    [InlineData("Telemetry")]
    [InlineData("Common")]
    public void Shared_folders_depend_on_no_domain_folder(string folder) =>
        Types().That().ResideInNamespaceMatching(Root + @"\." + folder + @"(\..*)?")
            .Should().NotDependOnAnyTypesThat()
            .ResideInNamespaceMatching(Root + @"\.(Broker|Processing|Lifecycle|Directory|Tokens|Delivery|Hosting)(\..*)?")
            .Check(Daemon);

    [Theory]
    [InlineData("Directory")]
    [InlineData("Tokens")]
    [InlineData("Delivery")]
    public void Adapters_do_not_call_processing(string folder) =>
        Types().That().ResideInNamespaceMatching(Root + @"\." + folder + @"(\..*)?")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(Root + @"\.Processing(\..*)?")
            .Check(Daemon);

    [Theory]
    [InlineData("Directory")]
    [InlineData("Tokens")]
    [InlineData("Delivery")]
    [InlineData("Processing")]
    public void Nothing_below_the_lifecycle_calls_it(string folder) =>
        Types().That().ResideInNamespaceMatching(Root + @"\." + folder + @"(\..*)?")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(Root + @"\.Lifecycle(\..*)?")
            .Check(Daemon);

    [Fact]
    public void The_contract_library_references_nothing_of_the_daemon_or_its_clients()
    {
        var references = typeof(ErrorCodes).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        string[] forbidden = ["SharedSecretWorker", "shrtok", "RabbitMQ.Client", "System.DirectoryServices.Protocols", "Pkcs11Interop",
            "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Configuration", "OpenTelemetry"];
        Assert.DoesNotContain(references, r => forbidden.Any(f => r!.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_command_line_sees_no_internals_of_the_daemon()
    {
        var granted = typeof(WorkerHost).Assembly.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName);
        Assert.DoesNotContain("shrtok", granted);
    }
}
