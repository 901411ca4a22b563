using System.Text;
using System.Text.Json;
using AccuScene.Otel.Diagnostics;
using AccuScene.Otel.Logging;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AccuScene.Otel.Tests.Logging;

public class RollingFileSinkTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() =>
        _directory = Directory.CreateTempSubdirectory("accuscene-sink-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Rolls_BeforeALineWouldOverflow_SoEveryFileIsWithinTheLimitAndEveryLineWhole()
    {
        var random = new Random(5);
        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 1000))
        {
            for (var i = 0; i < 500; i++)
            {
                Assert.That(sink.Append(Line(i, random.Next(10, 300))), Is.True);
            }

            Assert.That(sink.Rolls, Is.GreaterThanOrEqualTo(20));
        }

        var files = this.FilesOldestFirst();
        Assert.That(files.Select(f => new FileInfo(f).Length), Has.All.LessThanOrEqualTo(4096));
        var numbers = files.SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32());
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(0, 500)), "every line once, whole, in order across the files");
        Assert.That(Path.GetFileName(files[0]), Is.EqualTo("app.000001.log"));
        Assert.That(Path.GetFileName(files[^1]), Is.EqualTo("app.log"));
    }

    [Test]
    public void AFailedRoll_KeepsTheLinesInTheActiveFile_UpToTwiceTheLimit_AndRollsOnceItCan()
    {
        // Directories where the rolled files would go make every rename fail.
        var blockers = Enumerable.Range(1, 5).Select(i => Path.Combine(_directory, $"app.{i:D6}.log")).ToList();
        blockers.ForEach(b => Directory.CreateDirectory(b));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var written = new List<bool>();
        long droppedWhileBlocked, failures, rollsWhileBlocked;
        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 10, time: time))
        {
            for (var i = 0; i < 60; i++)
            {
                written.Add(sink.Append(Line(i, 100))); // about 6 KB: over the limit, under twice it
            }

            (droppedWhileBlocked, failures, rollsWhileBlocked) = (sink.DroppedLines, sink.RollFailures, sink.Rolls);
            for (var i = 60; i < 100; i++)
            {
                sink.Append(Line(i, 100)); // past twice the limit: dropped and counted
            }

            Assert.That(sink.DroppedLines, Is.GreaterThan(0));
            blockers.ForEach(b => Directory.Delete(b));
            time.Advance(TimeSpan.FromSeconds(2));
            Assert.That(sink.Append(Line(100, 100)), Is.True);
            Assert.That(sink.Rolls, Is.EqualTo(1), "the roll is tried again, and succeeds");
        }

        var rolled = Directory.GetFiles(_directory, "app.0*.log").Single();
        var numbers = File.ReadAllLines(rolled).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(written, Has.All.True, "no line is lost while the roll fails");
            Assert.That(droppedWhileBlocked, Is.Zero);
            Assert.That(failures, Is.EqualTo(1), "tried once a second, not once a line");
            Assert.That(rollsWhileBlocked, Is.Zero);
            Assert.That(numbers.Take(60), Is.EqualTo(Enumerable.Range(0, 60)));
            Assert.That(new FileInfo(rolled).Length, Is.LessThanOrEqualTo(2 * 4096));
        });
    }

    [Test]
    public void ASinkCreatedWhileItsPathWasInUse_WritesOnceTheOtherOneIsDisposed()
    {
        var first = this.CreateSink(maxBytes: 4096, maxFiles: 10);
        using var second = this.CreateSink(maxBytes: 4096, maxFiles: 10);
        first.Append(Line(0, 10));
        var whileInUse = second.Append(Line(1, 10));
        first.Dispose();
        var afterwards = second.Append(Line(2, 10));
        second.Flush();

        var numbers = File.ReadAllLines(Path.Combine(_directory, "app.log")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32());
        Assert.Multiple(() =>
        {
            Assert.That(whileInUse, Is.False);
            Assert.That(second.DroppedLines, Is.EqualTo(1));
            Assert.That(afterwards, Is.True);
            Assert.That(numbers, Is.EqualTo(new[] { 0, 2 }));
        });
    }

    [Test]
    public void ALineLargerThanTheLimit_GetsAFileOfItsOwn()
    {
        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 10))
        {
            sink.Append(Line(0, 10));
            sink.Append(Line(1, 100_000));
            sink.Append(Line(2, 10));
        }

        var files = this.FilesOldestFirst();
        Assert.That(files.Select(f => File.ReadAllLines(f).Length), Is.EqualTo(new[] { 1, 1, 1 }));
        Assert.That(new FileInfo(files[1]).Length, Is.GreaterThan(100_000));
    }

    [Test]
    public void Retention_KeepsMaxFilesWithTheActiveOneAndDeletesTheOldest()
    {
        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 3))
        {
            for (var i = 0; i < 300; i++)
            {
                sink.Append(Line(i, 200));
            }
        }

        var files = this.FilesOldestFirst();
        Assert.That(files.Select(Path.GetFileName).ToList(), Has.Count.EqualTo(3).And.Contains("app.log"));
        var kept = files.SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32()).ToList();
        Assert.That(kept[^1], Is.EqualTo(299), "the newest lines are the ones kept");
        Assert.That(kept, Is.Ordered);
    }

    [Test]
    public void Retention_ByAge_DeletesOldRolledFilesByTheTimeProvider()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var old = Path.Combine(_directory, "app.000001.log");
        var recent = Path.Combine(_directory, "app.000002.log");
        File.WriteAllText(old, "{\"i\":-2}\n");
        File.WriteAllText(recent, "{\"i\":-1}\n");
        File.SetLastWriteTimeUtc(old, time.GetUtcNow().UtcDateTime.AddHours(-3));
        File.SetLastWriteTimeUtc(recent, time.GetUtcNow().UtcDateTime.AddMinutes(-10));

        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 100, time: time, maxAge: TimeSpan.FromHours(1)))
        {
            sink.Append(Line(0, 10));
        }

        Assert.That(File.Exists(old), Is.False, "older than MaxAge");
        Assert.That(File.Exists(recent), Is.True);
    }

    [Test]
    public void Sequence_ContinuesAfterTheHighestExistingFile()
    {
        File.WriteAllText(Path.Combine(_directory, "app.000007.log"), "{\"i\":-1}\n");
        File.WriteAllText(Path.Combine(_directory, "app.log"), new string('x', 4000) + "\n");
        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 100))
        {
            sink.Append(Line(0, 200));
        }

        Assert.That(File.Exists(Path.Combine(_directory, "app.000008.log")), Is.True);
    }

    [Test]
    public void FlushInterval_HandsBufferedLinesToTheOperatingSystem()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, time: time);
        sink.Append(Line(0, 10));
        Assert.That(this.ReadActive(), Is.Empty, "buffered until the interval");

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(this.ReadActive(), Is.EqualTo(Encoding.UTF8.GetString(Line(0, 10))));
    }

    [Test]
    public void ATornLastLine_IsEndedBeforeNewLinesAreAppended()
    {
        File.WriteAllText(Path.Combine(_directory, "app.log"), "{\"i\":0}\n{\"i\":1,\"cut");
        using (var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10))
        {
            sink.Append(Line(2, 1));
        }

        Assert.That(File.ReadAllLines(Path.Combine(_directory, "app.log")), Is.EqualTo(new[] { "{\"i\":0}", "{\"i\":1,\"cut", "{\"i\":2,\"pad\":\"x\"}" }));
    }

    [Test]
    public void DiskErrors_AreCountedAsDroppedLines_NeverThrown_AndWritingResumes()
    {
        using var dropped = new MetricCollector<long>(AccuSceneSelfDiagnostics.LogsDropped);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var failing = new FailingStream();
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, time: time, open: _ => failing.Reopen());
        sink.Append(Line(0, 10));
        sink.Flush();
        failing.Fail = true;
        sink.Append(Line(1, 10));
        sink.Append(Line(2, 10));
        Assert.DoesNotThrow(() => sink.Flush());
        Assert.That(sink.Append(Line(3, 10)), Is.False, "still failed: no retry within a second");

        failing.Fail = false;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(sink.Append(Line(4, 10)), Is.True);
        sink.Flush();

        Assert.Multiple(() =>
        {
            Assert.That(sink.DroppedLines, Is.EqualTo(3));
            Assert.That(dropped.GetMeasurementSnapshot().Where(m => m.Tags["output"] as string == "file").Sum(m => m.Value), Is.EqualTo(3));
            Assert.That(failing.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32()), Is.EqualTo(new[] { 0, 4 }));
        });
    }

    [Test]
    public void AWriteCutShortByAFullDisk_IsTakenBack_SoTheFileHoldsWholeLines_AndNoLineCountedLostIsInIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var failing = new FailingStream();
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, time: time, open: _ => failing.Reopen());
        sink.Append(Line(0, 10));
        sink.Flush();
        sink.Append(Line(1, 10));
        sink.Append(Line(2, 10));
        failing.Fail = true;
        failing.WritesBeforeFailing = Line(1, 10).Length + 5; // line 1 whole and 5 bytes of line 2, then ENOSPC
        Assert.That(sink.Flush(), Is.False);

        failing.Fail = false;
        time.Advance(TimeSpan.FromSeconds(1));
        sink.Append(Line(3, 10));
        sink.Flush();

        Assert.Multiple(() =>
        {
            Assert.That(sink.DroppedLines, Is.EqualTo(2));
            Assert.That(failing.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32()), Is.EqualTo(new[] { 0, 3 }));
        });
    }

    [Test]
    public void ALockFileThatCannotBeMade_DoesNotStopTheWriting()
    {
        // As in a directory the process may not write but whose log file it may: opening the lock path fails with
        // access denied (here, because a directory stands there, which also holds for root).
        using var dropped = new MetricCollector<long>(AccuSceneSelfDiagnostics.LogsDropped);
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        Directory.CreateDirectory(sink.ProcessLockPath);

        var appended = new[] { sink.Append(Line(0, 10)), sink.Append(Line(1, 10)) };
        sink.Flush();

        Assert.Multiple(() =>
        {
            Assert.That(appended, Is.All.True);
            Assert.That(sink.DroppedLines, Is.Zero);
            Assert.That(dropped.GetMeasurementSnapshot(), Is.Empty);
            Assert.That(File.ReadAllLines(Path.Combine(_directory, "app.log")), Has.Length.EqualTo(2));
        });
    }

    [Test]
    public void AFileAnotherProcessWrites_IsNotWrittenOver_ItsLinesAreDroppedAsPathInUse_UntilThatProcessLetsGo()
    {
        using var dropped = new MetricCollector<long>(AccuSceneSelfDiagnostics.LogsDropped);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var lockPath = Path.Combine(_directory, ".app.log.lock");
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, time: time);
        Assert.That(sink.ProcessLockPath, Is.EqualTo(lockPath));

        // The lock is an exclusive open of the lock file: another open of it here stands for another process.
        var other = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var whileHeld = sink.Append(Line(0, 10));
        other.Dispose();
        var tooSoon = sink.Append(Line(1, 10));
        time.Advance(TimeSpan.FromSeconds(1));
        var afterwards = sink.Append(Line(2, 10));
        sink.Flush();

        Assert.Multiple(() =>
        {
            Assert.That((whileHeld, tooSoon, afterwards), Is.EqualTo((false, false, true)), "tried again at most once a second");
            Assert.That(dropped.GetMeasurementSnapshot().Where(m => m.Tags["output"] as string == "file").Select(m => m.Tags["reason"]), Is.EqualTo(new[] { "path_in_use", "path_in_use" }));
            Assert.That(this.ReadActive(), Is.EqualTo(Encoding.UTF8.GetString(Line(2, 10))), "readers are not held off by the lock");
            Assert.That(() => new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose(), Throws.InstanceOf<IOException>(), "held while the sink lives");
        });
    }

    [Test]
    public void ALockFileDeletedWhileHeld_IsTakenAgainBeforeTheNextWrite_SoAnotherProcessThatTookItIsNotWrittenOver()
    {
        var lockPath = Path.Combine(_directory, ".app.log.lock");
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10);
        sink.Append(Line(0, 10));
        sink.Flush();

        File.Delete(lockPath); // a cleaner deleting old files; then another process starts and locks a new one
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            sink.Append(Line(1, 10));
            sink.Flush();
        }

        Assert.Multiple(() =>
        {
            Assert.That(sink.DroppedLines, Is.EqualTo(1), "the other process holds the file now");
            Assert.That(this.ReadActive(), Is.EqualTo(Encoding.UTF8.GetString(Line(0, 10))));
        });
    }

    [Test]
    public void AWallClockSteppedBack_DoesNotHoldTheRetryOff_AndAFailedFlushSaysSo()
    {
        var time = new SteppingClock();
        var failing = new FailingStream();
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, time: time, open: _ => failing.Reopen());
        sink.Append(Line(0, 10));
        Assert.That(sink.Flush(), Is.True);
        failing.Fail = true;
        sink.Append(Line(1, 10));
        Assert.That(sink.Flush(), Is.False, "the line was dropped, so the flush failed");

        // NTP steps the wall clock back an hour while a second passes.
        failing.Fail = false;
        time.Wall -= TimeSpan.FromHours(1);
        time.Elapsed += TimeSpan.FromSeconds(1);

        // Before, the retry waited for the wall clock to reach the failure's time plus a second: an hour of dropped lines.
        Assert.That(sink.Append(Line(2, 10)), Is.True);
        Assert.That(sink.Flush(), Is.True);
        Assert.That(failing.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32()), Is.EqualTo(new[] { 0, 2 }));
    }

    // A wall clock that can be stepped back, and a monotonic timestamp that only moves forward.
    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Wall { get; set; } = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        public TimeSpan Elapsed { get; set; }

        public override DateTimeOffset GetUtcNow() => this.Wall;

        public override long GetTimestamp() => this.Elapsed.Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        // The sink's flush timer never fires on its own: the test flushes when it means to.
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Dormant();

        private sealed class Dormant : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Test]
    public void ARealFullDevice_CountsDroppedLinesWithoutThrowing()
    {
        if (!File.Exists("/dev/full"))
        {
            // Under CI a skip would hide the test: CI runs on Linux, which has the device.
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("/dev/full is missing on this CI machine.");
            }

            Assert.Ignore("/dev/full is not available on this system; the stream-level test covers the behaviour.");
        }

        // /dev/full fails every write with ENOSPC from the kernel: the real disk-full error.
        using var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 10, open: _ => new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0));
        sink.Append(Line(0, 10));
        sink.Append(Line(1, 10));
        Assert.DoesNotThrow(() => sink.Flush());
        Assert.That(sink.DroppedLines, Is.EqualTo(2));
    }

    [Test]
    public void AnUnusableDirectory_DropsAndCountsLinesWithoutThrowing()
    {
        var notADirectory = Path.Combine(_directory, "file");
        File.WriteAllText(notADirectory, "x");
        var options = new AccuSceneFileLogOptions { Path = Path.Combine(notADirectory, "app.log") };
        using var sink = new RollingFileSink(options, TimeProvider.System);

        Assert.That(sink.Append(Line(0, 10)), Is.False);
        Assert.That(sink.DroppedLines, Is.EqualTo(1));
    }

    [Test]
    public void AFileDeletedWithItsDirectoryWhileOpen_IsCreatedAgain_AndNoLineGoesIntoTheUnlinkedFile()
    {
        using (var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 3))
        {
            sink.Append(Line(0, 10));
            sink.Flush();
            Directory.Delete(_directory, recursive: true); // a log cleaner

            sink.Append(Line(1, 10));
            sink.Append(Line(2, 10));
            sink.Flush();
            Assert.That(sink.DroppedLines, Is.Zero);
        }

        var numbers = File.ReadAllLines(Path.Combine(_directory, "app.log")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("i").GetInt32());
        Assert.That(numbers, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void AFileTruncatedInPlaceWhileOpen_GetsTheNextLinesAtItsStart_WithoutAHoleOfNulBytes()
    {
        // logrotate's copytruncate copies the file away and truncates it under the writer.
        var path = Path.Combine(_directory, "app.log");
        using (var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 3))
        {
            sink.Append(Line(0, 100));
            sink.Append(Line(1, 100));
            sink.Flush();
            using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
            }

            sink.Append(Line(2, 10));
            sink.Flush();
        }

        var text = File.ReadAllText(path);
        Assert.That(text.Contains('\0', StringComparison.Ordinal), Is.False, "no NUL bytes");
        Assert.That(text, Is.EqualTo(Encoding.UTF8.GetString(Line(2, 10))));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ALineLargerThanTheBuffer_IsCheckedForAReplacedFileToo(bool deleted)
    {
        // A line over 64 KiB skips the buffer, and so used to skip the check a flush makes.
        var path = Path.Combine(_directory, "app.log");
        var large = Line(1, 70_000);
        using (var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 3))
        {
            sink.Append(Line(0, 100));
            sink.Flush();
            if (deleted)
            {
                Directory.Delete(_directory, recursive: true);
            }
            else
            {
                using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                {
                }
            }

            sink.Append(large);
            sink.Flush();
            Assert.That(sink.DroppedLines, Is.Zero);
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(large), "the large line at the file's start: no hole of NUL bytes, not lost with an unlinked file");
    }

    [Test]
    public void ALargeLineAfterAFileTruncatedMidLine_StartsOnALineOfItsOwn()
    {
        var path = Path.Combine(_directory, "app.log");
        var large = Line(1, 70_000);
        using (var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 3))
        {
            sink.Append(Line(0, 100));
            sink.Flush();
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                file.SetLength(40); // torn mid-line, and shorter than what was written
            }

            sink.Append(large);
            sink.Flush();
        }

        var lines = File.ReadAllText(path).Split('\n');
        Assert.That((lines.Length, lines[1] + "\n"), Is.EqualTo((3, Encoding.UTF8.GetString(large))), "the fragment, then the large line, whole");
    }

    [Test]
    public void APathThatIsALink_IsNotTakenForAReplacedFile()
    {
        // A link describes itself, not its target: its length would look like a truncation at every flush.
        var target = Path.Combine(_directory, "target.log");
        File.WriteAllText(target, string.Empty);
        File.CreateSymbolicLink(Path.Combine(_directory, "app.log"), target);
        var opens = 0;
        using (var sink = this.CreateSink(maxBytes: 1 << 20, maxFiles: 3, open: path =>
        {
            opens++;
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize: 0);
        }))
        {
            for (var i = 0; i < 3; i++)
            {
                sink.Append(Line(i, 100));
                sink.Flush();
            }
        }

        Assert.That(opens, Is.EqualTo(1));
        Assert.That(File.ReadAllLines(target), Has.Length.EqualTo(3));
    }

    [Test]
    public void APathThatIsALink_IsNeverRolled_SoTheLinesKeepGoingToItsTarget()
    {
        // app.log -> /dev/stdout in a container: a roll would rename the link, and the lines would go to a new plain file.
        var target = Path.Combine(_directory, "target.log");
        File.WriteAllText(target, string.Empty);
        var link = Path.Combine(_directory, "app.log");
        File.CreateSymbolicLink(link, target);
        using (var sink = this.CreateSink(maxBytes: 4096, maxFiles: 3))
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.That(sink.Append(Line(i, 1000)), Is.True);
            }

            sink.Flush();
            Assert.That(sink.Rolls, Is.Zero);
        }

        Assert.Multiple(() =>
        {
            Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(target), "the link is where it was");
            Assert.That(File.ReadAllLines(target), Has.Length.EqualTo(10), "every line went to the link's target");
            Assert.That(Directory.GetFiles(_directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "app.log", "target.log", ".app.log.lock" }), "no rolled file");
        });
    }

    internal static byte[] Line(int i, int pad) =>
        Encoding.UTF8.GetBytes($"{{\"i\":{i},\"pad\":\"{new string('x', pad)}\"}}\n");

    private RollingFileSink CreateSink(long maxBytes, int maxFiles, TimeProvider? time = null, TimeSpan? maxAge = null, Func<string, Stream>? open = null) =>
        new(new AccuSceneFileLogOptions { Path = Path.Combine(_directory, "app.log"), MaxFileSizeBytes = maxBytes, MaxFiles = maxFiles, MaxAge = maxAge }, time ?? TimeProvider.System, open);

    private List<string> FilesOldestFirst() =>
        [.. new RollingFileNames(Path.Combine(_directory, "app.log")).FindRolled().Select(r => r.Path), Path.Combine(_directory, "app.log")];

    private string ReadActive()
    {
        using var stream = new FileStream(Path.Combine(_directory, "app.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A file stand-in that fails like a full disk while <see cref="Fail"/> is set; what it keeps survives reopening.</summary>
    private sealed class FailingStream
    {
        private readonly MemoryStream _content = new();

        public bool Fail { get; set; }

        /// <summary>Gets or sets how many bytes a failing write still puts down before it throws, as a disk filling up mid-write does.</summary>
        public int WritesBeforeFailing { get; set; }

        public string Text => Encoding.UTF8.GetString(_content.ToArray());

        public Stream Reopen() => this.Fail ? throw new IOException("No space left on device") : new View(this);

        private sealed class View(FailingStream owner) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => true;

            public override bool CanWrite => true;

            public override long Length => owner._content.Length;

            public override long Position { get => owner._content.Length; set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count)
            {
                owner._content.Seek(0, SeekOrigin.End);
                if (owner.Fail)
                {
                    owner._content.Write(buffer, offset, Math.Min(count, owner.WritesBeforeFailing));
                    throw new IOException("No space left on device");
                }

                owner._content.Write(buffer, offset, count);
            }

            public override long Seek(long offset, SeekOrigin origin) => owner._content.Length;

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override void SetLength(long value) => owner._content.SetLength(value);
        }
    }
}
