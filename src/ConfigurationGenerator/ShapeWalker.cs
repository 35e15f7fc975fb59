using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GpuQos.ConfigurationGenerator;

/// <summary>
/// Walks the type graph from the binder's type arguments, as the binder walks a document: scalars end a branch;
/// enums, lists, arrays and string-keyed dictionaries are shapes of their own; any other type is an options class
/// bound property by property. A type the binder could not bind is a compile error here, not a failure at start.
/// </summary>
internal sealed class ShapeWalker(Compilation compilation, Action<Diagnostic> report)
{
    private static readonly DiagnosticDescriptor Unbindable = new(
        "GQCFG001", "Type cannot be bound from configuration", "{0} cannot be bound from configuration: {1}",
        "GpuQos.Configuration", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly SymbolDisplayFormat Qualified = SymbolDisplayFormat.FullyQualifiedFormat;

    private readonly HashSet<ITypeSymbol> _seen = new(SymbolEqualityComparer.Default);

    /// <summary>The shapes found, in the order they were reached.</summary>
    public List<ShapeModel> Shapes { get; } = [];

    /// <summary>Adds the shape of <paramref name="type"/> and of every type it reaches.</summary>
    public void Visit(ITypeSymbol type, Location? location)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (IsScalar(type) || !_seen.Add(type))
        {
            return;
        }

        var name = type.ToDisplayString(Qualified);
        if (!compilation.IsSymbolAccessibleWithin(type, compilation.Assembly))
        {
            Fail(type, "it is not accessible from " + compilation.AssemblyName, location);
            return;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            var fields = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
                .OrderBy(f => EnumOrder(f.ConstantValue!))
                .Select(f => f.Name).ToList();
            Shapes.Add(new EnumModel(name, fields));
            return;
        }

        if (type is IArrayTypeSymbol array)
        {
            Shapes.Add(new CollectionModel(name, array.ElementType.ToDisplayString(Qualified), IsArray: true));
            Visit(array.ElementType, location);
            return;
        }

        if (type is INamedTypeSymbol { IsGenericType: true } generic)
        {
            var definition = generic.OriginalDefinition.ToDisplayString();
            switch (definition)
            {
                case "System.Collections.Generic.List<T>" or "System.Collections.Generic.IReadOnlyList<T>" or "System.Collections.Generic.IList<T>"
                    or "System.Collections.Generic.IEnumerable<T>" or "System.Collections.Generic.IReadOnlyCollection<T>":
                    Shapes.Add(new CollectionModel(name, generic.TypeArguments[0].ToDisplayString(Qualified), IsArray: false));
                    Visit(generic.TypeArguments[0], location);
                    return;
                case "System.Collections.Generic.Dictionary<TKey, TValue>" or "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>"
                    or "System.Collections.Generic.IDictionary<TKey, TValue>":
                    if (generic.TypeArguments[0].SpecialType != SpecialType.System_String)
                    {
                        Fail(type, "dictionary keys must be strings", location);
                        return;
                    }

                    Shapes.Add(new DictionaryModel(name, generic.TypeArguments[1].ToDisplayString(Qualified)));
                    Visit(generic.TypeArguments[1], location);
                    return;
            }
        }

        VisitObject((INamedTypeSymbol)type, name, location);
    }

    private void VisitObject(INamedTypeSymbol type, string name, Location? location)
    {
        if (type.TypeKind != TypeKind.Class || type.IsAbstract)
        {
            Fail(type, "only classes, enums, scalars, lists, arrays and string-keyed dictionaries are bound", location);
            return;
        }

        var constructor = type.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0);
        if (constructor is null || !compilation.IsSymbolAccessibleWithin(constructor, compilation.Assembly)
            || type.GetMembers().OfType<IPropertySymbol>().Any(p => p.IsRequired))
        {
            Fail(type, "it needs an accessible parameterless constructor and no required members", location);
            return;
        }

        var properties = new List<PropertyModel>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var next = new List<ITypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
            {
                // As reflection's GetProperties(Public | Instance) with CanWrite: a public property with any setter.
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                    || property.SetMethod is null || property.GetMethod is null || !names.Add(property.Name)
                    || property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "YamlDotNet.Serialization.YamlIgnoreAttribute"))
                {
                    continue;
                }

                properties.Add(Property(property));
                next.Add(property.Type);
            }
        }

        Shapes.Add(new ObjectModel(name, properties));
        foreach (var t in next)
        {
            Visit(t, location);
        }
    }

    private static PropertyModel Property(IPropertySymbol property)
    {
        var alias = property.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "YamlDotNet.Serialization.YamlMemberAttribute")
            ?.NamedArguments.FirstOrDefault(n => n.Key == "Alias").Value.Value as string;
        var key = alias ?? char.ToLowerInvariant(property.Name[0]) + property.Name.Substring(1);
        var type = property.Type;
        var acceptsNull = type.IsValueType
            ? type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
            : property.NullableAnnotation == NullableAnnotation.Annotated;
        var byteSize = property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "GpuQos.Model.Configuration.ByteSizeAttribute");
        var validators = property.GetAttributes()
            .Where(a => DerivesFrom(a.AttributeClass, "System.ComponentModel.DataAnnotations.ValidationAttribute"))
            .Select(NewAttribute)
            .ToList();
        var directSet = property.SetMethod!.DeclaredAccessibility == Accessibility.Public && !property.SetMethod.IsInitOnly;
        var directGet = property.GetMethod!.DeclaredAccessibility == Accessibility.Public;
        return new PropertyModel(
            property.Name, key, type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(Qualified),
            property.ContainingType.ToDisplayString(Qualified), acceptsNull, byteSize, validators, directGet, directSet);
    }

    private static string NewAttribute(AttributeData attribute)
    {
        var arguments = string.Join(", ", attribute.ConstructorArguments.Select(a => a.ToCSharpString()));
        var named = attribute.NamedArguments.Select(n => n.Key + " = " + n.Value.ToCSharpString()).ToList();
        var init = named.Count == 0 ? "" : " { " + string.Join(", ", named) + " }";
        return "new " + attribute.AttributeClass!.ToDisplayString(Qualified) + "(" + arguments + ")" + init;
    }

    // Enum.GetNames lists members by their value read as unsigned, so the "is not one of" list reads the same.
    private static ulong EnumOrder(object value) =>
        value is ulong u ? u : unchecked((ulong)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));

    private static bool DerivesFrom(INamedTypeSymbol? type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() == name)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsScalar(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte
                or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
                or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double
                or SpecialType.System_Decimal or SpecialType.System_String or SpecialType.System_IntPtr or SpecialType.System_UIntPtr:
                return true;
        }

        var name = type.ToDisplayString();
        return name is "System.TimeSpan" or "System.DateTimeOffset";
    }

    private void Fail(ITypeSymbol type, string why, Location? location) =>
        report(Diagnostic.Create(Unbindable, location is { IsInSource: true } ? location : Location.None, type.ToDisplayString(), why));
}
