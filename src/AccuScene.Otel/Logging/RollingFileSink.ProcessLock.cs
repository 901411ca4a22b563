namespace AccuScene.Otel.Logging;

/// <summary>One writer per file across processes, too.</summary>
internal sealed partial class RollingFileSink
{
    // EROFS on Linux and macOS, which .NET reports as the errno itself.
    private const int ReadOnlyFileSystem = 30;

    private FileStream? _processLock;
    private DateTime _lockStamp;
    private bool _lockedOut;
    private bool _lockUnavailableReported;

    /// <summary>Gets the lock file beside the active one: <c>logs/.app.log.lock</c>, which no roll or retention touches.</summary>
    internal string ProcessLockPath => Path.Combine(_names.Directory, "." + Path.GetFileName(_names.ActivePath) + ".lock");

    /// <summary>
    /// Takes the file for this process before it is opened. Two processes on one path (two replicas sharing a
    /// volume, an old instance still stopping) would each write at the end they last saw, over the other's
    /// lines, and each would roll to the same name. The lock file is held open exclusively for the sink's life
    /// (<see cref="FileShare.None"/>: an advisory lock on Linux and macOS, a sharing mode on Windows), so only
    /// the lock file is locked: readers of the log files are not held off. A process that cannot take it drops
    /// its lines, counted as <c>path_in_use</c>, and tries again at most once a second; the kernel lets the lock
    /// go when its holder exits, however it exits. Only for files this sink opens itself. A lock file that cannot be
    /// made at all (a directory the process may not write, a read-only file system, where the log file itself is
    /// writable, or a link to one) is no other process's: the file is written without the lock, reported once.
    /// </summary>
    /// <returns><see langword="false"/> when another process holds the file.</returns>
    private bool TryLockProcess()
    {
        _lockedOut = false;
        if (_processLock is not null || !_ownsFiles)
        {
            return true;
        }

        try
        {
            _processLock = new FileStream(this.ProcessLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            this.TouchProcessLock();
            return true;
        }
        catch (IOException ex) when (IsHeld(ex))
        {
            return this.LockedOut(ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException io && io.HResult == ReadOnlyFileSystem))
        {
            return this.LockReadOnlyOrGoWithout(ex);
        }
    }

    private bool LockedOut(IOException held)
    {
        _lastError = new IOException($"Another process writes {_names.ActivePath} (it holds {this.ProcessLockPath}); give each process a path of its own.", held);
        _lockedOut = true;
        return false;
    }

    // The lock file cannot be opened for writing. One that exists (made by another user, or on a read-only file
    // system) is locked through a read-only handle, which takes the same exclusive lock, so a process that holds it
    // still keeps this one off; only a lock file that cannot be opened at all is gone without, reported once.
    private bool LockReadOnlyOrGoWithout(Exception cause)
    {
        if (File.Exists(this.ProcessLockPath))
        {
            try
            {
                _processLock = new FileStream(this.ProcessLockPath, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 0);
                return true;
            }
            catch (IOException ex) when (IsHeld(ex))
            {
                return this.LockedOut(ex);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                cause = ex;
            }
        }

        if (!_lockUnavailableReported)
        {
            _lockUnavailableReported = true;
            Diagnostics.AccuSceneEventSource.Log.LogOutputFailed(OutputName, "lock_unavailable", 0, cause);
        }

        return true;
    }

    // Held by another: EWOULDBLOCK from flock on Linux (11) and macOS (35); a sharing or lock violation on Windows.
    private static bool IsHeld(IOException ex) => ex.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    // The lock file at the path is still this sink's: it exists and bears the last-write stamp the sink gave it (a file
    // deleted and made again by another process bears another).
    // A file system that would not take the stamp leaves the existence check alone.
    private bool ProcessLockGone() =>
        _processLock is not null && (_lockStamp == default ? !File.Exists(this.ProcessLockPath) : File.GetLastWriteTimeUtc(this.ProcessLockPath) != _lockStamp);

    // The lock file is dated when taken and at each roll: a stamp of its own (now, within a random second) tells it
    // apart from a file another process made at the path, and a cleaner that deletes files by age leaves it alone.
    private void TouchProcessLock()
    {
        if (_processLock is null)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow().UtcDateTime;
            File.SetLastWriteTimeUtc(_processLock.SafeFileHandle, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond) + Random.Shared.NextInt64(TimeSpan.TicksPerSecond)));
            _lockStamp = File.GetLastWriteTimeUtc(_processLock.SafeFileHandle); // as the file system keeps it
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _lockStamp = default;
            Diagnostics.AccuSceneEventSource.Log.LogOutputFailed(OutputName, "lock_touch_failed", 0, ex);
        }
    }

    private void ReleaseProcessLock()
    {
        CloseQuietly(_processLock);
        _processLock = null;
    }
}
