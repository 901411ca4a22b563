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
    public void ReplaceRules_WithARaisedThreshold_JudgesTheKeptAlertByIt()
    {
        var engine = new AccuSceneAlertEngine([Rule("a", 10)], _time);
        engine.Check("m", 50);

        engine.ReplaceRules([Rule("a", 100)]);
        engine.Check("m", 50);

        Assert.That(engine.Active(), Is.Empty, "50 is not over the new threshold: the alert resolves");
    }

    [Test]
    public void AnEditedAnnotationOrSeverity_KeepsTheFiringAlert_ItsAcknowledgementAndItsCooldown()
    {
        // Prometheus keeps the alerts of an edited rule; a typo fixed in a summary must not page again.
        var notes = new List<AlertNotification>();
        var first = Rule("a", 10);
        first.Cooldown = TimeSpan.FromMinutes(5);
        first.Annotations["summary"] = "step time hihg: {value}";
        var engine = new AccuSceneAlertEngine([first], _time);
        engine.Notification += (_, n) => notes.Add(n);
        engine.Check("m", 50);
        var id = engine.Active().Single().Id;
        engine.Acknowledge(id, "ada");

        var edited = Rule("a", 10);
        edited.Cooldown = TimeSpan.FromMinutes(5);
        edited.Severity = AlertSeverity.Critical;
        edited.Annotations["summary"] = "step time high: {value}";
        engine.ReplaceRules([edited]);
        engine.Check("m", 60);

        var alert = engine.Active().Single();
        Assert.Multiple(() =>
        {
            Assert.That((alert.Id, alert.State, alert.Acknowledgement?.By), Is.EqualTo((id, AlertState.Firing, "ada")));
            Assert.That((alert.Severity, alert.Labels["severity"], alert.Annotations["summary"]), Is.EqualTo((AlertSeverity.Critical, "critical", "step time high: 60")));
            Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing }), "no resolution and no second firing");
            Assert.That(engine.Rules.Single().Severity, Is.EqualTo(AlertSeverity.Critical));
        });
    }

    [Test]
    public void ARuleRedefinedToMeasureSomethingElse_StartsAfresh()
    {
        var notes = new List<AlertNotification>();
        var engine = new AccuSceneAlertEngine([Rule("a", 10)], _time);
        engine.Notification += (_, n) => notes.Add(n);
        engine.Check("m", 50);

        var other = Rule("a", 10);
        other.Metric = "other";
        engine.ReplaceRules([other]);

        Assert.Multiple(() =>
        {
            Assert.That(engine.Active(), Is.Empty, "its samples were of another metric");
            Assert.That(notes.Select(n => n.State), Is.EqualTo(new[] { AlertState.Firing, AlertState.Resolved }));
        });
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
