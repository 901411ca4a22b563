using System.Collections;
using System.Diagnostics;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>An object whose <c>ToString()</c>, <c>Equals</c> and <c>GetHashCode</c> all throw.</summary>
internal sealed class HostileObject
{
    public override string ToString() => throw new InvalidOperationException("hostile ToString()");

    public override bool Equals(object? obj) => throw new InvalidOperationException("hostile Equals()");

    public override int GetHashCode() => throw new InvalidOperationException("hostile GetHashCode()");
}

/// <summary>An exception whose message, stack trace and <c>ToString()</c> all throw.</summary>
internal sealed class HostileException : Exception
{
    public override string Message => throw new InvalidOperationException("hostile Message");

    public override string? StackTrace => throw new InvalidOperationException("hostile StackTrace");

    public override string ToString() => throw new InvalidOperationException("hostile ToString()");
}

/// <summary>
/// The values a careless or hostile caller passes, by parameter type: null, empty, NaN, ±∞, extreme and
/// negative numbers and durations, 1 MB strings, CR/LF and control characters, lone surrogates, markup, and
/// objects whose <c>ToString()</c>/<c>Equals</c>/<c>GetHashCode</c> throw. Types it knows nothing about get
/// <see langword="null"/> and one ordinary value from <see cref="FuzzInstances"/>.
/// </summary>
internal static class HostileValues
{
    public static readonly string Megabyte = new('x', 1_000_000);

    private static readonly (string, object?)[] Strings =
    [
        ("null", null), ("empty", string.Empty), ("blank", " \t"), ("1 MB", Megabyte), ("CR/LF", "a\r\nX-Injected: 1"),
        ("controls", "\0\u0001\u001b[31m\u007f"), ("lone surrogate", "\uD800x"), ("markup", "<script>alert(1)</script>"),
    ];

    private static readonly double[] Doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, double.MaxValue, double.MinValue, double.Epsilon, 0];
    private static readonly long[] Integers = [-1, long.MinValue, long.MaxValue, 0, int.MinValue, int.MaxValue];

    public static IEnumerable<(string Label, object? Value)> For(Type type, FuzzInstances instances, bool nested = false)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            yield return ("null", null);
            foreach (var value in For(underlying, instances, nested))
            {
                yield return value;
            }

            yield break;
        }

        if (type == typeof(string))
        {
            foreach (var value in Strings)
            {
                yield return value;
            }

            yield break;
        }

        if (type == typeof(double) || type == typeof(float))
        {
            foreach (var value in Doubles)
            {
                yield return (value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), type == typeof(float) ? (float)value : value);
            }

            yield break;
        }

        if (type.IsPrimitive && type != typeof(bool) && type != typeof(char) && type != typeof(IntPtr) && type != typeof(UIntPtr))
        {
            foreach (var value in Integers)
            {
                yield return (value.ToString(System.Globalization.CultureInfo.InvariantCulture), Clamp(value, type));
            }

            yield break;
        }

        if (type.IsEnum)
        {
            yield return ("undefined -1", Enum.ToObject(type, -1));
            yield return ("undefined 9999", Enum.ToObject(type, 9999));
            yield break;
        }

        if (type == typeof(TimeSpan))
        {
            yield return ("TimeSpan.MinValue", TimeSpan.MinValue);
            yield return ("TimeSpan.MaxValue", TimeSpan.MaxValue);
            yield return ("-1 s", TimeSpan.FromSeconds(-1));
            yield return ("zero", TimeSpan.Zero);
            yield break;
        }

        if (type == typeof(DateTimeOffset))
        {
            yield return ("DateTimeOffset.MinValue", DateTimeOffset.MinValue);
            yield return ("DateTimeOffset.MaxValue", DateTimeOffset.MaxValue);
            yield break;
        }

        if (type == typeof(object))
        {
            yield return ("null", null);
            yield return ("hostile object", new HostileObject());
            yield return ("1 MB", Megabyte);
            yield return ("NaN", double.NaN);
            yield break;
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            yield return ("null", null);
            yield return ("hostile exception", new HostileException());
            yield break;
        }

        if (type == typeof(Uri))
        {
            yield return ("null", null);
            yield return ("relative", new Uri("x/y", UriKind.Relative));
            yield return ("file", new Uri("file:///etc/passwd"));
            yield break;
        }

        if (type == typeof(Activity))
        {
            yield return ("null", null);
            var stopped = FuzzInstances.StartActivity();
            stopped?.Stop();
            yield return ("stopped activity", stopped);
            yield break;
        }

        if (type == typeof(ActivityContext))
        {
            yield return ("remote context", new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "k=v\r\n", isRemote: true));
            yield break;
        }

        if (type == typeof(ActivityTagsCollection))
        {
            yield return ("null", null);
            yield return ("hostile tags", new ActivityTagsCollection { ["hostile"] = new HostileObject(), ["big"] = Megabyte, ["nan"] = double.NaN });
            yield break;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            var (k, v) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var benignKey = instances.Benign(k);
            var benignValue = instances.Benign(v);
            foreach (var (label, key) in For(k, instances, nested: true))
            {
                yield return ($"key {label}", Activator.CreateInstance(type, key, benignValue));
            }

            foreach (var (label, value) in For(v, instances, nested: true))
            {
                yield return ($"value {label}", Activator.CreateInstance(type, benignKey, value));
            }

            yield break;
        }

        if (CollectionElement(type) is { } element)
        {
            yield return ("null", null);
            yield return ("empty", MakeList(type, element, []));
            var ordinary = instances.Benign(element);
            yield return ("a null element", MakeList(type, element, [element.IsValueType ? ordinary : null]));
            yield return ("a repeated element", MakeList(type, element, [ordinary, ordinary]));
            if (!nested)
            {
                var hostile = For(element, instances, nested: true).Select(v => v.Value).ToList();
                yield return ("hostile elements", MakeList(type, element, hostile));
                yield return ("10,000 distinct", MakeList(type, element, [.. Enumerable.Range(0, 10_000).Select(i => instances.Distinct(element, i))]));
            }

            yield break;
        }

        if (DictionaryTypes(type) is var (keyType, valueType))
        {
            yield return ("null", null);
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            yield return ("empty", dictionary);
            var hostile = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            var index = 0;
            foreach (var (_, value) in For(valueType, instances, nested: true))
            {
                hostile[instances.Distinct(keyType, index++)!] = value;
            }

            hostile[keyType == typeof(string) ? "k\r\n" + Megabyte : instances.Distinct(keyType, index)!] = instances.Benign(valueType);
            yield return ("hostile entries", hostile);
            yield break;
        }

        if (type.IsValueType)
        {
            // Structs without hostile forms of their own (CancellationToken, ReadOnlySpan adapters) take their ordinary value only.
            yield break;
        }

        yield return ("null", null);
        if (!nested && instances.HostileBuilt(type) is { } built)
        {
            foreach (var value in built)
            {
                yield return value;
            }
        }
    }

    public static Type? CollectionElement(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType || DictionaryTypes(type) is not null)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
            || definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(List<>) || definition == typeof(IReadOnlySet<>)
            || definition == typeof(ISet<>) || definition == typeof(HashSet<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    public static (Type Key, Type Value)? DictionaryTypes(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>)
            ? (type.GetGenericArguments()[0], type.GetGenericArguments()[1])
            : null;
    }

    public static object MakeList(Type type, Type element, IReadOnlyList<object?> items)
    {
        if (type.IsArray)
        {
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(items[i], i);
            }

            return array;
        }

        var isSet = type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlySet<>) || d == typeof(ISet<>) || d == typeof(HashSet<>));
        var collection = Activator.CreateInstance((isSet ? typeof(HashSet<>) : typeof(List<>)).MakeGenericType(element))!;
        var add = collection.GetType().GetMethod("Add")!;
        foreach (var item in items)
        {
            // A set of hostile objects cannot be built (their GetHashCode throws); leave those out.
            try
            {
                add.Invoke(collection, [item]);
            }
            catch (System.Reflection.TargetInvocationException) when (isSet)
            {
            }
        }

        return collection;
    }

    private static object Clamp(long value, Type type) =>
        Type.GetTypeCode(type) switch
        {
            TypeCode.Int32 => (int)Math.Clamp(value, int.MinValue, int.MaxValue),
            TypeCode.Int16 => (short)Math.Clamp(value, short.MinValue, short.MaxValue),
            TypeCode.Byte => (byte)Math.Clamp(value, byte.MinValue, byte.MaxValue),
            TypeCode.SByte => (sbyte)Math.Clamp(value, sbyte.MinValue, sbyte.MaxValue),
            TypeCode.UInt16 => (ushort)Math.Clamp(value, ushort.MinValue, ushort.MaxValue),
            TypeCode.UInt32 => (uint)Math.Clamp(value, uint.MinValue, uint.MaxValue),
            TypeCode.UInt64 => (ulong)Math.Max(value, 0),
            _ => value,
        };
}
