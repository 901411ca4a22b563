using System.Text.Json;
using AccuScene.Otel.IntegrationTests.Infrastructure;

namespace AccuScene.Otel.IntegrationTests.Dashboard;

/// <summary>The page read without colour, or with weak eyes: contrast and line styles as Chromium renders them.</summary>
public partial class DemoDashboardTests
{
    // WCAG 2.2 relative luminance and contrast, on the colours Chromium computed: every visible element with text of
    // its own against the nearest opaque background behind it (disabled controls are exempt), SVG labels against
    // their panel, and the states the page is not in now (the connection badge's, the severities') put in for a
    // moment; and, per chart of up to four series, one line style and one marker shape per series.
    private const string ReadWithoutColour = """
        () => {
          const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
          const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          const luminance = c => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
          const ratio = (a, b) => { const x = luminance(a), y = luminance(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
          const behind = e => {
            for (; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length === 3 || (c.length === 4 && c[3] > 0)) { return c; }
            }
            return [255, 255, 255];
          };
          const low = [];
          let checked = 0;
          const states = [['.top', 'span', 'badge badge-ok'], ['.top', 'span', 'badge badge-wait'], ['.top', 'span', 'badge badge-bad'],
            ['.widget', 'div', 'sev-critical'], ['.widget', 'div', 'sev-high'], ['.widget', 'div', 'sev-medium'], ['.widget', 'div', 'empty']]
            .map(([parent, tag, className]) => {
              const e = document.createElement(tag);
              e.className = className;
              e.textContent = 'state ' + className;
              document.querySelector(parent).appendChild(e);
              return e;
            });
          document.querySelectorAll('body *').forEach(e => {
            const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
            if (!own || e.getClientRects().length === 0 || e.closest('button:disabled')) { return; }
            const inSvg = e.closest('svg');
            const fg = rgb(inSvg ? getComputedStyle(e).fill : getComputedStyle(e).color);
            checked++;
            if (fg.length < 3 || fg.slice(0, 3).some(Number.isNaN) || (fg.length === 4 && fg[3] < 1) || Number(getComputedStyle(e).opacity) < 1) {
              // A colour this check cannot read, or translucent text, would need blending: it fails rather than passes.
              low.push(`${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''} "${e.textContent.trim().slice(0, 30)}" colour ${inSvg ? getComputedStyle(e).fill : getComputedStyle(e).color} not read`);
              return;
            }
            const r = ratio(fg, behind(inSvg ? inSvg.parentElement : e));
            if (r < 4.5) { low.push(`${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''} "${e.textContent.trim().slice(0, 30)}" ${r.toFixed(2)}:1`); }
          });
          states.forEach(e => e.remove());
          const charts = Array.from(document.querySelectorAll('svg.chart'))
            .map(c => Array.from(c.querySelectorAll('path')).map(p => getComputedStyle(p).strokeDasharray))
            .filter(styles => styles.length > 1 && styles.length <= 4);
          const keys = document.querySelectorAll('.legend svg.key line').length;
          const markers = Array.from(document.querySelectorAll('.legend'))
            .map(l => Array.from(l.querySelectorAll('svg.key')).map(k => (k.querySelector('.dot') || { tagName: 'none' }).tagName))
            .filter(shapes => shapes.length > 1 && shapes.length <= 4);
          return { checked, low, charts, keys, markers };
        }
        """;

    [Test]
    [CancelAfter(180_000)]
    public async Task Chromium_EveryTextPassesWcagAA_AndEverySeriesHasItsOwnLineStyle(CancellationToken cancellationToken)
    {
        var page = await this.OpenAsync(1400, cancellationToken);
        var read = await page.EvaluateAsync<JsonElement>(ReadWithoutColour).WaitAsync(cancellationToken);
        await Chromium.ScreenshotAsync(page, "dashboard-without-colour", cancellationToken);
        TestContext.Out.WriteLine(read.ToString());

        var charts = read.GetProperty("charts").EnumerateArray().Select(c => c.EnumerateArray().Select(s => s.GetString()).ToList()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("checked").GetInt32(), Is.GreaterThan(50), "the page's text was read");
            Assert.That(read.GetProperty("low").EnumerateArray().Select(l => l.GetString()), Is.Empty, "text under 4.5:1 against its background");
            Assert.That(charts, Is.Not.Empty, "the demo has charts with several series (p50, p95, p99)");
            Assert.That(charts.Where(c => c.Distinct().Count() != c.Count).Select(c => string.Join(" | ", c)), Is.Empty, "two series of one chart share a line style");
            Assert.That(read.GetProperty("keys").GetInt32(), Is.GreaterThanOrEqualTo(charts.Sum(c => c.Count)), "the legend draws each series' line");
            var markers = read.GetProperty("markers").EnumerateArray().Select(m => m.EnumerateArray().Select(s => s.GetString()).ToList()).ToList();
            Assert.That(markers, Is.Not.Empty, "legends of several series");
            Assert.That(markers.Where(m => m.Contains("none") || m.Distinct().Count() != m.Count).Select(m => string.Join(" | ", m)), Is.Empty, "each series' key has a marker of its own shape, for its lone points");
        });
    }
}
