using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Tests.Diagnostics;

public class FiguresTests
{
    [TestCase(0.011912134672746648, 0.01191)]
    [TestCase(0.7999999999999999, 0.8)]
    [TestCase(27.714452489022158, 27.71)]
    [TestCase(841608128.96, 841600000)]
    [TestCase(-1234.5678, -1235)]
    [TestCase(1.23456e-20, 1.235e-20)]
    [TestCase(0, 0)]
    public void Round_KeepsFourSignificantDigits(double value, double expected) =>
        Assert.That(Figures.Round(value), Is.EqualTo(expected));

    [TestCase(double.MaxValue)]
    [TestCase(double.MinValue)]
    [TestCase(double.Epsilon)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Round_LeavesValuesItCannotRoundAsTheyAre(double value) =>
        Assert.That(Figures.Round(value), Is.EqualTo(value));

    [Test]
    public void Round_LeavesNoBinaryTail_AcrossMagnitudes()
    {
        var random = new Random(20261205);
        for (var i = 0; i < 10_000; i++)
        {
            var value = Math.Pow(10, (random.NextDouble() * 40) - 20);
            var text = Figures.Round(value).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            var digits = text.Split('E')[0].Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
            Assert.That(digits.Length, Is.LessThanOrEqualTo(4), $"{value:R} was written as {text}");
        }
    }
}
