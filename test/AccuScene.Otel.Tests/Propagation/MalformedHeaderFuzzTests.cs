using System.Diagnostics;
using System.Text;
using AccuScene.Otel.Propagation;
using OpenTelemetry.Context.Propagation;

namespace AccuScene.Otel.Tests.Propagation;

/// <summary>
/// 10,000 malformed traceparent values, each with fuzzed tracestate and baggage: extraction never throws
/// and every server span starts a fresh root trace.
/// </summary>
public class MalformedHeaderFuzzTests
{
    private const int Iterations = 10_000;
    private const string Valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Test]
    public void TenThousandMalformedHeaders_NeverThrowAndAlwaysRestartTheTrace()
    {
        var random = new Random(20261129);
        var propagator = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
        var textMap = AccuScenePropagation.CreateTextMapPropagator(PropagatedHeaders.Default);
        using var source = new ActivitySource("AccuScene.Tests.Fuzz");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var traceIds = new HashSet<ActivityTraceId>();
        var exceptions = 0;
        var nonRoots = 0;
        var otelAccepted = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var carrier = new HeaderCarrier
            {
                ["traceparent"] = MalformedTraceParent(random, i),
                ["tracestate"] = Garbage(random, random.Next(0, 3) == 0 ? 5000 : 64),
                ["baggage"] = FuzzedBaggage(random),
                ["x-accuscene-scene-id"] = Garbage(random, 300),
            };

            try
            {
                propagator.ExtractTraceIdAndState(carrier, HeaderCarrier.Getter, out var traceId, out var traceState);
                _ = propagator.ExtractBaggage(carrier, HeaderCarrier.Getter)?.ToList();
                var parent = traceId is not null && ActivityContext.TryParse(traceId, traceState, isRemote: true, out var parsed) ? parsed : default;
                using var activity = source.StartActivity("server", ActivityKind.Server, parent)!;
                if (activity.ParentSpanId != default || activity.HasRemoteParent)
                {
                    nonRoots++;
                }

                traceIds.Add(activity.TraceId);

                if (textMap.Extract(default, carrier, HeaderCarrier.Get).ActivityContext != default)
                {
                    otelAccepted++;
                }
            }
            catch (Exception)
            {
                exceptions++;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(exceptions, Is.Zero, "exceptions");
            Assert.That(nonRoots, Is.Zero, "spans that kept a malformed parent");
            Assert.That(traceIds, Has.Count.EqualTo(Iterations), "distinct fresh trace ids");
            Assert.That(otelAccepted, Is.Zero, "contexts OpenTelemetry's propagator accepted");
        });
    }

    [Test]
    public void ValidTraceParentWithFuzzedCompanions_ContinuesTheTraceAndDropsOnlyTheBadParts()
    {
        var random = new Random(7);
        var propagator = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
        var exceptions = 0;
        var lostParents = 0;
        var keptBadTraceStates = 0;
        var keptBadSceneIds = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var traceState = Garbage(random, i % 4 == 0 ? 2_000 : 80);
            var sceneId = Garbage(random, i % 3 == 0 ? 400 : 30);
            var carrier = new HeaderCarrier
            {
                ["traceparent"] = Valid,
                ["tracestate"] = traceState,
                ["baggage"] = FuzzedBaggage(random),
                ["x-accuscene-scene-id"] = sceneId,
            };

            try
            {
                propagator.ExtractTraceIdAndState(carrier, HeaderCarrier.Getter, out var traceId, out var extractedState);
                var baggage = propagator.ExtractBaggage(carrier, HeaderCarrier.Getter)?.ToList() ?? [];
                if (traceId != Valid)
                {
                    lostParents++;
                }

                if (extractedState is not null && !W3CTraceParent.IsAcceptableTraceState(extractedState))
                {
                    keptBadTraceStates++;
                }

                if (!PropagatedHeaders.IsValidValue(sceneId) && baggage.Any(kv => kv.Key == "accuscene.scene.id" && kv.Value == sceneId))
                {
                    keptBadSceneIds++;
                }
            }
            catch (Exception)
            {
                exceptions++;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(exceptions, Is.Zero, "exceptions");
            Assert.That(lostParents, Is.Zero, "valid parents dropped because of a bad companion header");
            Assert.That(keptBadTraceStates, Is.Zero, "oversized or non-ASCII tracestate passed on");
            Assert.That(keptBadSceneIds, Is.Zero, "invalid scene ids passed on");
        });
    }

    [Test]
    public void ValidTraceParent_IsKept()
    {
        var propagator = new AccuSceneDistributedContextPropagator(PropagatedHeaders.Default);
        var carrier = new HeaderCarrier { ["traceparent"] = Valid };

        propagator.ExtractTraceIdAndState(carrier, HeaderCarrier.Getter, out var traceId, out _);

        Assert.That(traceId, Is.EqualTo(Valid));
    }

    /// <summary>Each case breaks the W3C grammar in a way that cannot be valid by accident.</summary>
    private static string MalformedTraceParent(Random random, int i)
    {
        var chars = Valid.ToCharArray();
        switch (i % 10)
        {
            case 0:
                return "ff" + Valid[2..];
            case 1:
                return Valid[..3] + new string('0', 32) + Valid[35..];
            case 2:
                return Valid[..36] + new string('0', 16) + Valid[52..];
            case 3:
                chars[3 + random.Next(32)] = (char)random.Next('g', 'z' + 1);
                return new string(chars);
            case 4:
                chars[36 + random.Next(16)] = "ABCDEF"[random.Next(6)];
                return new string(chars);
            case 5:
                chars[new[] { 2, 35, 52 }[random.Next(3)]] = "_ .:"[random.Next(4)];
                return new string(chars);
            case 6:
                return Valid[..random.Next(0, Valid.Length)];
            case 7:
                return Valid + "-" + Garbage(random, 20);
            case 8:
                return "z" + Garbage(random, random.Next(0, 2) == 0 ? 60 : 20_000);
            default:
                chars[random.Next(chars.Length)] = (char)random.Next(0x80, 0xFFFF);
                return new string(chars);
        }
    }

    private static string FuzzedBaggage(Random random)
    {
        var builder = new StringBuilder();
        var entries = random.Next(0, 300);
        for (var e = 0; e < entries; e++)
        {
            builder.Append(Garbage(random, 12)).Append(random.Next(3) == 0 ? "%zz" : "=").Append(Garbage(random, 40));
            builder.Append(";,="[random.Next(3)]);
        }

        return builder.ToString();
    }

    private static string Garbage(Random random, int maxLength)
    {
        var length = random.Next(0, maxLength + 1);
        var chars = new char[length];
        for (var c = 0; c < length; c++)
        {
            chars[c] = random.Next(10) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => (char)random.Next(0x80, 0xD7FF),
                _ => (char)random.Next(0x20, 0x7F),
            };
        }

        return new string(chars);
    }
}
