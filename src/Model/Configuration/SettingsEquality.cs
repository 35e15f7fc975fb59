using System.Collections;
using GpuQos.Model.Configuration.Binding;

namespace GpuQos.Model.Configuration;

/// <summary>
/// Whether two bound configuration sections hold the same settings, as a reload asks: compared member by member
/// through every bindable property, so a setting added to an options class later is compared too without anyone
/// listing it. The properties are the binder's (<see cref="BindingRegistry"/>): the binding generator writes them for
/// every type reachable from a call of <see cref="Same{TSection}"/> with a concrete type, as for the binder's calls.
/// </summary>
public static class SettingsEquality
{
    /// <summary>True when every setting of <paramref name="a"/> equals the same setting of <paramref name="b"/>.</summary>
    public static bool Same<TSection>(TSection a, TSection b) => Equal(a, b);

    private static bool Equal(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.GetType() != b.GetType())
        {
            return false;
        }

        var type = a.GetType();
        if (YamlBinder.IsScalar(type) || type == typeof(Uri))
        {
            // double.Equals holds for NaN and NaN, so a NaN that slipped into a setting compares equal to itself.
            return a.Equals(b);
        }

        if (a is IDictionary da && b is IDictionary db)
        {
            if (da.Count != db.Count)
            {
                return false;
            }

            foreach (DictionaryEntry entry in da)
            {
                if (!db.Contains(entry.Key) || !Equal(entry.Value, db[entry.Key]))
                {
                    return false;
                }
            }

            return true;
        }

        if (a is IEnumerable ea && b is IEnumerable eb)
        {
            var ia = ea.GetEnumerator();
            var ib = eb.GetEnumerator();
            while (true)
            {
                var more = ia.MoveNext();
                if (more != ib.MoveNext())
                {
                    return false;
                }

                if (!more)
                {
                    return true;
                }

                if (!Equal(ia.Current, ib.Current))
                {
                    return false;
                }
            }
        }

        foreach (var property in BindingRegistry.Get<ObjectShape>(type).Properties)
        {
            if (!Equal(property.Get(a), property.Get(b)))
            {
                return false;
            }
        }

        return true;
    }
}
