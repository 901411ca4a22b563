using AccuScene.Otel.Alerts;
using AccuScene.Otel.Alerts.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Alerts;

/// <summary>Rules replaced, added and removed at run time.</summary>
public class AlertRuleChangesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    [Test]
    public void ReplaceRules_KeepsTheStateOfAnUnchangedRule_AndResolvesARemovedOnesFiringAlert()
    {
        var notes = new List<AlertNotification>();
        var engine = new AccuSceneAlertEngine([Rule("kept", 10), Rule("dropped", 10)], _time);
        engine.Notification += (_, n) => notes.Add(n);
        engine.Check("m", 50);
        var keptAlert = engine.Active().Single(a => a.Rule == "kept").Id;

        engine.ReplaceRules([Rule("kept", 10), Rule("new", 100)]);

        Assert.Multiple(() =>
        {
            Assert.That(engine.Rules.Select(r => r.Name), Is.EqualTo(new[] { "kept", "new" }));
            Assert.That(engine.Active().Single().Id, Is.EqualTo(keptAlert), "the unchanged rule's alert is the same alert");
            Assert.That(notes.Select(n => (n.Alert.Rule, n.State)), Is.EqualTo(new[]
            {
                ("kept", AlertState.Firing), ("dropped", AlertState.Firing), ("dropped", AlertState.Resolved),
            }));
            Assert.That(engine.Acknowledge(notes[1].Alert.Id, "ada"), Is.False, "a removed rule's alert cannot be acknowledged");
        });
    }

    [Test]
    public void ReplaceRules_WithTheSameRules_ChangesNothing()
    {
        var engine = new AccuSceneAlertEngine([Rule("a", 1)], _time);
        var version = engine.RulesVersion;

        engine.ReplaceRules([Rule("a", 1)]);

        Assert.That(engine.RulesVersion, Is.EqualTo(version));
    }

    [Test]
    public void ReplaceRules_WithAChangedThreshold_StartsTheRuleAfresh()
    {
        var engine = new AccuSceneAlertEngine([Rule("a", 10)], _time);
        engine.Check("m", 50);

        engine.ReplaceRules([Rule("a", 100)]);
        engine.Check("m", 50);

        Assert.That(engine.Active(), Is.Empty, "the redefined rule does not keep the old definition's alert");
    }

    [Test]
    public void AnInvalidChange_ChangesNothing()
    {
        var engine = new AccuSceneAlertEngine([Rule("a", 1)], _time);

        Assert.Multiple(() =>
        {
            Assert.That(() => engine.ReplaceRules([Rule("a", 1), Rule("a", 2)]), Throws.ArgumentException.With.Message.Contain("defined twice"));
            Assert.That(() => engine.AddRule(Rule("a", 5)), Throws.ArgumentException);
            Assert.That(engine.RemoveRule("missing"), Is.False);
            Assert.That(engine.Rules.Single().Threshold, Is.EqualTo(1));
        });
    }

    private static AlertRule Rule(string name, double threshold) =>
        new() { Name = name, Metric = "m", Threshold = threshold, Cooldown = TimeSpan.Zero };
}
