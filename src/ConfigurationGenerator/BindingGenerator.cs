using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuQos.ConfigurationGenerator;

/// <summary>
/// Finds every call of <c>YamlBinder.Load&lt;T&gt;</c>, <c>YamlBinder.Bind&lt;T&gt;</c> and
/// <c>SettingsEquality.Same(a, b)</c> with a concrete type argument, and writes the shapes of every type reachable
/// from those types (their properties, keys, accessors and validation attributes) with a module initializer that
/// registers them. The binder then needs no reflection, so the trimmer keeps only what the code reaches.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BindingGenerator : IIncrementalGenerator
{
    private const string BinderName = "GpuQos.Model.Configuration.YamlBinder";
    private const string EqualityName = "GpuQos.Model.Configuration.SettingsEquality";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var roots = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => node is InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Load" or "Bind" or "Same" },
                },
                static (ctx, ct) => RootOf(ctx, ct))
            .Where(static t => t is not null)
            .Collect();

        context.RegisterSourceOutput(roots.Combine(context.CompilationProvider), static (spc, pair) => Emit(spc, pair.Left, pair.Right));
    }

    private static ITypeSymbol? RootOf(GeneratorSyntaxContext ctx, CancellationToken ct)
    {
        if (ctx.SemanticModel.GetSymbolInfo(ctx.Node, ct).Symbol is not IMethodSymbol { IsGenericMethod: true } method)
        {
            return null;
        }

        var owner = method.ContainingType?.ToDisplayString();
        if (owner != BinderName && owner != EqualityName)
        {
            return null;
        }

        var argument = method.TypeArguments[0];
        return argument is INamedTypeSymbol or IArrayTypeSymbol ? argument : null;
    }

    private static void Emit(SourceProductionContext spc, ImmutableArray<ITypeSymbol?> roots, Compilation compilation)
    {
        if (roots.IsDefaultOrEmpty)
        {
            return;
        }

        var walker = new ShapeWalker(compilation, spc.ReportDiagnostic);
        foreach (var root in roots.Distinct<ITypeSymbol?>(SymbolEqualityComparer.Default).OrderBy(r => r!.ToDisplayString(), System.StringComparer.Ordinal))
        {
            walker.Visit(root!, root!.Locations.FirstOrDefault());
        }

        spc.AddSource("GpuQosConfigurationBindings.g.cs", ShapeEmitter.Write(walker.Shapes));
    }
}
