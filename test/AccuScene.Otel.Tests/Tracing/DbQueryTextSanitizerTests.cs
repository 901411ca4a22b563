using System.Diagnostics;
using AccuScene.Otel.Instrumentation.Tracing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AccuScene.Otel.Tests.Tracing;

public class DbQueryTextSanitizerTests
{
    [TestCase("SELECT * FROM users WHERE email = 'ana@example.com'", "SELECT * FROM users WHERE email = ?")]
    [TestCase("SELECT * FROM t WHERE id = 42 AND ratio > 0.5 AND x < .25 AND y = 1e-3", "SELECT * FROM t WHERE id = ? AND ratio > ? AND x < ? AND y = ?")]
    [TestCase("UPDATE t SET name = 'it''s', hex = 0x1F, bits = B'0101', raw = X'ABCD' WHERE n = N'név'", "UPDATE t SET name = ?, hex = ?, bits = ?, raw = ? WHERE n = ?")]
    [TestCase("SELECT E'a\\'b' AS s, 'c' AS d", "SELECT ? AS s, ? AS d")]
    [TestCase("SELECT 'c\\' AS d, 'secret' AS e", "SELECT ?")]
    [TestCase("SELECT 0xFE-- it's done\n, 'ana@example.com' FROM t", "SELECT ?\n, ? FROM t")]
    [TestCase("SELECT $q€$ x, 'secret' $q€$, $e\u0301$ secret $e\u0301$", "SELECT ?, ?")]
    [TestCase("SELECT 1e-3, 1e--x\n, 2", "SELECT ?, ?\n, ?")]
    [TestCase("SELECT $$secret$$, $body$it's $$ here$body$ FROM t", "SELECT ?, ? FROM t")]
    [TestCase("SELECT * FROM t WHERE a = $1 AND b = @name AND c = :other AND d = ? AND e = ?2 AND @@version > 0", "SELECT * FROM t WHERE a = $1 AND b = @name AND c = :other AND d = ? AND e = ?2 AND @@version > ?")]
    [TestCase("SELECT \"user\".\"e-mail\", `tbl`.`col` FROM \"user\"", "SELECT \"user\".\"e-mail\", `tbl`.`col` FROM \"user\"")]
    [TestCase("SELECT t1.c2, a$b FROM t1 WHERE flag = TRUE OR other = false", "SELECT t1.c2, a$b FROM t1 WHERE flag = ? OR other = ?")]
    [TestCase("SELECT 1 -- token=abc\nFROM t /* user: bob /* nested */ still */ WHERE x IS NULL", "SELECT ? FROM t WHERE x IS NULL")]
    [TestCase("SELECT/*c*/2", "SELECT ?")]
    [TestCase("SELECT * FROM t WHERE name = 'unterminated AND password = 'x", "SELECT * FROM t WHERE name = ?x")]
    [TestCase("SELECT * FROM t WHERE a = 'open secret", "SELECT * FROM t WHERE a = ?")]
    [TestCase("-- leading note\nSELECT 1", "SELECT ?")]
    [TestCase("SELECT * FROM t WHERE a = 1 /* never closed 'secret'", "SELECT * FROM t WHERE a = ? ")]
    [TestCase("SELECT \"never closed, secret", "SELECT ?")]
    [TestCase("SELECT arr[3], '1'::int FROM t", "SELECT arr[?], ?::int FROM t")]
    [TestCase("SELECT x FROM naïve WHERE größe = 5", "SELECT x FROM naïve WHERE größe = ?")]
    [TestCase("SELECT $ FROM t", "SELECT $ FROM t")]
    [TestCase("INSERT INTO scenes (id, name) VALUES ($id, $name) ON CONFLICT(id) DO UPDATE SET n = excluded.n", "INSERT INTO scenes (id, name) VALUES ($id, $name) ON CONFLICT(id) DO UPDATE SET n = excluded.n")]
    public void Literals_AreReplaced_AndTheRestKept(string text, string expected) =>
        Assert.That(DbQueryTextSanitizer.Sanitize(text, "postgresql"), Is.EqualTo(expected));

    [TestCase("mysql", "SELECT * FROM t WHERE a = \"secret\" AND b = 'x\\' OR c = \\'y' # note: pw", "SELECT * FROM t WHERE a = ? AND b = ?")]
    [TestCase("mysql", "SELECT /* a /* b */ 'x */ secret' FROM t", "SELECT ? FROM t")]
    [TestCase("clickhouse", "SELECT 1 FROM t WHERE email = $$ana@example.com$$ AND token = $t$hunter two$t$", "SELECT ? FROM t WHERE email = ? AND token = ?")]
    [TestCase("clickhouse", "SELECT $x-y$ hunter2 $x-y$, $1x$ secret $1x$, $ $ana@example.com$ $ FROM t", "SELECT ?, ?, ? FROM t")]
    [TestCase("clickhouse", "SELECT a FROM t WHERE a = $1 AND b = $2", "SELECT a FROM t WHERE a = $1 AND b = $2")]
    [TestCase("mysql", "SELECT /*!50000 'secret*/part' */ 1", "SELECT /*!50000 ? */ ?")]
    [TestCase("mysql", "SELECT 1--'\nsecret'", "SELECT ?--?")]
    [TestCase("mysql", "SELECT 5-- note\nFROM t", "SELECT ?\nFROM t")]
    [TestCase("sqlite", "SELECT * FROM users WHERE email = \"ana@example.com\"", "SELECT * FROM users WHERE email = ?")]
    [TestCase("sqlite", "SELECT [a'b] FROM t WHERE p = 'secret' AND q = 1", "SELECT [a'b] FROM t WHERE p = ? AND q = ?")]
    [TestCase("sqlite", "SELECT e'a\\', 'secret' FROM t", "SELECT ?, ? FROM t")]
    [TestCase("mysql", "SET mask = 0xFE-- pw: hunter2\nx", "SET mask = ?\nx")]
    [TestCase("microsoft.sql_server", "SELECT $1E--api key 42", "SELECT ?")]
    [TestCase("clickhouse", "SELECT 1 FROM t WHERE name = 'O\\'Brien ana@example.com' AND x = 1", "SELECT ? FROM t WHERE name = ? AND x = ?")]
    [TestCase("snowflake", "SELECT 1 FROM t WHERE name = 'O\\'Brien ana@example.com' AND x = 1", "SELECT ? FROM t WHERE name = ?")]
    [TestCase("snowflake", "SELECT $$ secret $$, q'[it's]'", "SELECT ?, ?")]
    [TestCase("PostgreSQL", "SELECT $$ secret $$", "SELECT ?")]
    [TestCase("aws.redshift", "SELECT $body$ secret $body$", "SELECT ?")]
    [TestCase("sqlite", "SELECT * FROM t WHERE x = $a$b AND y = 'z $a$ secret' AND z = @1", "SELECT * FROM t WHERE x = $a$b AND y = ? AND z = @1")]
    [TestCase("sqlite", "SELECT /* a /* b */ 'x */ secret' FROM t", "SELECT ? FROM t")]
    [TestCase("microsoft.sql_server", "UPDATE t SET price = $12.50, bonus = $85000 WHERE id = @1", "UPDATE t SET price = ?, bonus = ? WHERE id = @1")]
    [TestCase("oracle.db", "SELECT q'[it's secret]', nq'{a'z'c}', Q'!x!' FROM dual WHERE id = :1", "SELECT ?, ?, ? FROM dual WHERE id = :1")]
    [TestCase("oracle.db", "SELECT q'[never closed", "SELECT ?")]
    [TestCase("postgresql", "SELECT $é$secret$é$, $tagé$secret$tagé$", "SELECT ?, ?")]
    [TestCase("postgresql", "SELECT 1 -- c\r, 'x\nsecret'", "SELECT ? , ?")]
    [TestCase("postgresql", "SELECT @5, a[1:2]", "SELECT @?, a[?:?]")]
    [TestCase("cassandra", "SELECT * FROM t WHERE a = \"secret\"", "SELECT * FROM t WHERE a = ?")]
    public void EachDialect_ReadsLiteralsWhereItsDatabaseDoes(string system, string text, string expected) =>
        Assert.That(DbQueryTextSanitizer.Sanitize(text, system), Is.EqualTo(expected));

    [Test]
    public void SqlServer_BracketsAreIdentifiers_ElsewhereSubscripts()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DbQueryTextSanitizer.Sanitize("SELECT [order id] FROM [dbo].[t 1] WHERE n = 3", "microsoft.sql_server"), Is.EqualTo("SELECT [order id] FROM [dbo].[t 1] WHERE n = ?"));
            Assert.That(DbQueryTextSanitizer.Sanitize("SELECT [never closed 42", "microsoft.sql_server"), Is.EqualTo("SELECT ?"));
            Assert.That(DbQueryTextSanitizer.Sanitize("SELECT a[1]", "postgresql"), Is.EqualTo("SELECT a[?]"));
        });
    }

    [Test]
    public void TheCut_NeverSplitsACharacter()
    {
        var text = "SELECT " + new string('a', DbQueryTextSanitizer.MaxLength - 8) + "😀 rest";

        var sanitized = DbQueryTextSanitizer.Sanitize(text, "postgresql");

        Assert.That(sanitized, Is.EqualTo(text[..(DbQueryTextSanitizer.MaxLength - 1)] + "…"));
    }

    [Test]
    public void TextWithoutLiterals_IsTheSameInstance()
    {
        const string text = "SELECT * FROM scenes WHERE id = $1";
        Assert.That(DbQueryTextSanitizer.Sanitize(text, "postgresql"), Is.SameAs(text));
    }

    [Test]
    public void LongText_IsCutAndMarked_AndALiteralAcrossTheCutStaysHidden()
    {
        var text = "SELECT * FROM t WHERE a IN (" + new string(' ', DbQueryTextSanitizer.MaxLength - 40) + "'a secret that crosses the cut')";

        var sanitized = DbQueryTextSanitizer.Sanitize(text, "postgresql");

        Assert.Multiple(() =>
        {
            Assert.That(sanitized, Does.EndWith("?…"));
            Assert.That(sanitized, Does.Not.Contain("secret"));
            Assert.That(sanitized.Length, Is.LessThanOrEqualTo(DbQueryTextSanitizer.MaxLength + 1));
        });
    }

    [Test]
    public void AClickHouseHeredocAcrossTheCut_StaysHidden()
    {
        // ClickHouse reads the whole heredoc as one string; its close lies past the cut.
        var text = "INSERT INTO notes VALUES ($doc$ Jane Doe, 12 Elm St " + new string('x', DbQueryTextSanitizer.MaxLength) + " $doc$)";

        var sanitized = DbQueryTextSanitizer.Sanitize(text, "clickhouse");

        Assert.That(sanitized, Is.EqualTo("INSERT INTO notes VALUES (?…"));
    }

    [Test]
    public void StartDatabaseQuery_RecordsTheSanitizedText()
    {
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddAccuScene(o => o.Tracing.CollectHttp = false).AddInMemoryExporter(exported).Build())
        {
            using (AccuSceneSpans.StartDatabaseQuery("postgresql", "SELECT", "users", "SELECT id FROM users WHERE email = 'ana@example.com' AND id = $1"))
            {
            }

            provider!.ForceFlush();
        }

        Assert.That(exported.Single().GetTagItem("db.query.text"), Is.EqualTo("SELECT id FROM users WHERE email = ? AND id = $1"));
    }
}
