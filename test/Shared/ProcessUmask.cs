using System.Runtime.InteropServices;

namespace AccuScene.Otel.Testing;

/// <summary>
/// Sets the process's file-creation mask for a scope, as a shell's <c>umask</c> would. Shared by the test
/// projects as a linked source file.
/// </summary>
internal sealed class ProcessUmask : IDisposable
{
    private readonly uint _previous;

    private ProcessUmask(uint mask) => _previous = NativeMethods.umask(mask);

    /// <summary>Sets <paramref name="mask"/> until the returned scope is disposed.</summary>
    public static ProcessUmask Set(uint mask) => new(mask);

    public void Dispose() => NativeMethods.umask(_previous);

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA1401 // A plain P/Invoke: LibraryImport would need unsafe code in the test project.
        [DllImport("libc", EntryPoint = "umask")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint umask(uint mask);
#pragma warning restore SYSLIB1054, CA1401
    }
}
