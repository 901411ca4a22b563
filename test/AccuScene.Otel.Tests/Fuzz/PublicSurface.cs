using System.Reflection;
using AccuScene.Otel.Instrumentation;
using AccuScene.Otel.Instrumentation.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AccuScene.Otel.Tests.Fuzz;

/// <summary>
/// The public surface of the three libraries, found by reflection: every public constructor, method and
/// property accessor of every exported class and struct. Nothing is listed by hand, so a member added
/// tomorrow is fuzzed tomorrow. Protected members are left out: only a subclass can call them.
/// </summary>
internal static class PublicSurface
{
    public static readonly Assembly[] Assemblies =
    [
        typeof(AccuSceneOptions).Assembly,
        typeof(AccuSceneTelemetry).Assembly,
        typeof(AccuSceneHealthEndpointRouteBuilderExtensions).Assembly,
    ];

    /// <summary>
    /// Members with a <c>ReadOnlySpan</c> parameter cannot be called through reflection; each has an adapter
    /// that takes the span as an array. A new such member without an adapter fails the test.
    /// </summary>
    public static readonly Dictionary<MethodBase, Func<object?[], object?>> SpanAdapters = new()
    {
        [typeof(AccuSceneEvents).GetMethod(nameof(AccuSceneEvents.RecordEvent))!] = args =>
        {
            ((ILogger)args[0]!).RecordEvent((AccuSceneEventCategory)args[1]!, (AccuSceneEventSeverity)args[2]!, (string)args[3]!, (string)args[4]!, ((KeyValuePair<string, object?>[]?)args[5]).AsSpan());
            return null;
        },
    };

    public static IEnumerable<MethodBase> Members()
    {
        foreach (var type in Assemblies.SelectMany(a => a.GetExportedTypes()).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.IsInterface || type.IsEnum || typeof(Delegate).IsAssignableFrom(type))
            {
                continue;
            }

            if (!type.IsAbstract)
            {
                foreach (var constructor in type.GetConstructors())
                {
                    yield return constructor;
                }
            }

            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (!method.Name.StartsWith('<'))
                {
                    yield return method.IsGenericMethodDefinition ? method.MakeGenericMethod([.. method.GetGenericArguments().Select(_ => typeof(int))]) : method;
                }
            }
        }
    }

    /// <summary>The parameters as the fuzzer fills them: a span parameter is filled as an array.</summary>
    public static Type[] ParameterTypes(MethodBase member) =>
        [.. member.GetParameters().Select(p =>
        {
            var type = p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType;
            return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>) ? type.GetGenericArguments()[0].MakeArrayType() : type;
        })];

    /// <summary>The type to make an instance of for an instance member: a concrete public subclass of an abstract type.</summary>
    public static Type InstanceType(Type declaring) =>
        !declaring.IsAbstract
            ? declaring
            : declaring.Assembly.GetExportedTypes().First(t => !t.IsAbstract && declaring.IsAssignableFrom(t) && t.GetConstructors().Length > 0);

    public static string Describe(MethodBase member) =>
        $"{member.DeclaringType!.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)}({string.Join(", ", member.GetParameters().Select(p => p.ParameterType.Name + " " + p.Name))})";
}
