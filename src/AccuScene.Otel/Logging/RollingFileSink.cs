using AccuScene.Otel.Diagnostics;

namespace AccuScene.Otel.Logging;

/// <summary>
/// Appends whole lines to a size-limited file that rolls before a line would overflow it, so no line is
/// split across files or dropped by the roll (while a roll fails, the file may grow to twice the limit). Lines are copied into a 64 KiB buffer under one lock and
/// handed to the operating system when the buffer fills, every flush interval, on <see cref="Flush"/>, on
/// dispose, and when the process ends without a dispose (<c>Environment.Exit</c>, an unhandled exception); once handed over they survive the process being killed. Disk errors never throw: the lines
/// they cost are counted on <c>accuscene.otel.logs.dropped</c>, the file is closed, and it is reopened on a
/// later line (at most once a second), so logging resumes when the disk recovers. A file that does not end
/// with a line feed (a torn last line) gets one before new lines are appended.
/// </summary>
internal sealed partial class RollingFileSink : IDisposable
{
    public const string OutputName = "file";

    private const int BufferSize = 64 * 1024;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly RollingFileNames _names;
    private readonly long _maxBytes;
    private readonly int _maxFiles;
    private readonly TimeSpan? _maxAge;
    private readonly TimeProvider _time;
    private readonly Func<string, Stream> _open;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly ITimer _flushTimer;
    private Stream? _stream;
    private int _buffered;
    private int _bufferedLines;
    private long _length;
    private long _nextSequence = -1;
    // Last open/write and roll failures, as timestamps: a wall clock stepped back cannot hold a retry off.
    private long? _failedAt;
    private long? _rollFailedAt;
    private long _rollFailures;
    private Exception? _lastError;
    private long _dropped;
    private long _rolls;
    private bool _disposed;
    private bool _pathInUse;
    private readonly bool _ownsFiles;

    public RollingFileSink(AccuSceneFileLogOptions options, TimeProvider time, Func<string, Stream>? open = null)
    {
        _names = new RollingFileNames(options.Path!);
        _maxBytes = options.MaxFileSizeBytes;
        _maxFiles = options.MaxFiles;
        _maxAge = options.MaxAge;
        _time = time;
        _open = open ?? OpenFile;
        _ownsFiles = open is null;
        _pathInUse = !ActivePaths.TryAdd(_names.ActivePath, this);
        _flushTimer = time.CreateTimer(static state => ((RollingFileSink)state!).Flush(), this, options.FlushInterval, options.FlushInterval);
        this.FlushWhenTheProcessEnds();
    }

    /// <summary>Gets how many lines could not be written.</summary>
    public long DroppedLines => Interlocked.Read(ref _dropped);

    /// <summary>Gets how many times the active file rolled.</summary>
    public long Rolls => Interlocked.Read(ref _rolls);

    /// <summary>Gets how many rolls failed (the lines then went on into the active file, up to twice its limit).</summary>
    public long RollFailures => Interlocked.Read(ref _rollFailures);

    /// <summary>Appends one line, which must end with a line feed. Returns <see langword="false"/> when it was dropped (and counted).</summary>
    public bool Append(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                this.Drop(1, "closed", null);
                return false;
            }

            if (_pathInUse && !this.TryClaimPath())
            {
                this.Drop(1, "path_in_use", null);
                return false;
            }

            if (_stream is null && !this.TryOpen())
            {
                this.Drop(1, _lockedOut ? "path_in_use" : "open_failed", _lastError);
                return false;
            }

            if (_rollable && _length > 0 && _length + line.Length > _maxBytes && !this.RollOrOverrun(line.Length, out var reason))
            {
                this.Drop(1, reason, _lastError);
                return false;
            }

            if (line.Length > BufferSize - _buffered && !this.TryFlushBuffer())
            {
                this.Drop(1, "write_failed", null);
                return false;
            }

            if (line.Length > BufferSize)
            {
                if (!this.WriteUnbuffered(line))
                {
                    return false;
                }
            }
            else
            {
                line.CopyTo(_buffer.AsSpan(_buffered));
                _buffered += line.Length;
                _bufferedLines++;
            }

            _length += line.Length;
            return true;
        }
    }

    /// <summary>Hands buffered lines to the operating system. Never throws.</summary>
    /// <returns>Whether this flush lost no line (a failed write of only a torn line's closing line feed loses none).</returns>
    public bool Flush()
    {
        lock (_gate)
        {
            var dropped = Interlocked.Read(ref _dropped);
            if (_stream is not null)
            {
                this.TryFlushBuffer();
            }

            return Interlocked.Read(ref _dropped) == dropped;
        }
    }

    public void Dispose()
    {
        _flushTimer.Dispose();
        this.StopFlushingWhenTheProcessEnds();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_stream is not null)
            {
                this.TryFlushBuffer();
            }

            this.Close();
            this.ReleaseProcessLock();
            _disposed = true;
            if (!_pathInUse)
            {
                ActivePaths.TryRemove(new KeyValuePair<string, RollingFileSink>(_names.ActivePath, this));
            }
        }
    }

    private static FileStream OpenFile(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.OpenOrCreate,
        Access = FileAccess.ReadWrite,
        Share = FileShare.Read | FileShare.Delete,
        BufferSize = 0,
    });

    private bool TryOpen()
    {
        if (!this.RetryDue(_failedAt))
        {
            return false;
        }

        Stream? stream = null;
        try
        {
            Directory.CreateDirectory(_names.Directory);
            if (!this.TryLockProcess())
            {
                _failedAt = _time.GetTimestamp();
                return false;
            }

            stream = _open(_names.ActivePath);
            var length = stream.CanSeek ? stream.Length : 0;
            var torn = false;
            if (length > 0 && stream.CanRead)
            {
                stream.Seek(-1, SeekOrigin.End);
                torn = stream.ReadByte() != '\n';
            }

            if (stream.CanSeek)
            {
                stream.Seek(0, SeekOrigin.End);
            }

            _stream = stream;
            _length = length;
            _rollable = this.IsRollable(stream);
            if (torn)
            {
                // A torn last line (a disk error or a crash mid-write): end it, so the next line starts clean.
                _buffer[_buffered++] = (byte)'\n';
                _length++;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _lastError = ex;
            _stream = null;
            CloseQuietly(stream);
            _failedAt = _time.GetTimestamp();
            return false;
        }

        if (_nextSequence < 0)
        {
            // Listing the directory can fail on its own; the file is open, so lines still go in, and the
            // next roll tries again.
            try
            {
                var rolled = _names.FindRolled();
                _nextSequence = rolled.Count == 0 ? 1 : rolled[^1].Sequence + 1;
                this.ApplyRetention(rolled);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _lastError = ex;
            }
        }

        return true;
    }

    private bool TryFlushBuffer()
    {
        if (_buffered == 0)
        {
            return true;
        }

        if (!this.ReopenIfReplaced())
        {
            return false;
        }

        try
        {
            _stream!.Write(_buffer, 0, _buffered);
            _buffered = 0;
            _bufferedLines = 0;
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            this.Fail(ex, 0);
            return false;
        }
    }
}
