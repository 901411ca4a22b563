using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Timing;

/// <summary>Helpers that time asynchronous work.</summary>
public static class Timing
{
    /// <summary>Runs <paramref name="operation"/> and returns how long it took; records it to <paramref name="histogram"/> in seconds.</summary>
    /// <param name="operation">The work.</param>
    /// <param name="histogram">Where the duration goes; optional.</param>
    /// <param name="name">The <c>accuscene.operation</c> tag.</param>
    /// <returns>The duration, also when the work throws (then the exception is rethrown after recording).</returns>
    public static async Task<TimeSpan> MeasureAsync(Func<Task> operation, Histogram<double>? histogram = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var timer = ValueTimer.Start();
        TimeSpan elapsed;
        try
        {
            await operation().ConfigureAwait(false);
        }
        finally
        {
            elapsed = timer.Elapsed;
            Record(histogram, name, elapsed);
        }

        return elapsed;
    }

    /// <summary>Runs <paramref name="operation"/> and returns its result with how long it took.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="operation">The work.</param>
    /// <param name="histogram">Where the duration goes; optional.</param>
    /// <param name="name">The <c>accuscene.operation</c> tag.</param>
    /// <returns>The result and the duration.</returns>
    public static async Task<(T Result, TimeSpan Elapsed)> MeasureAsync<T>(Func<Task<T>> operation, Histogram<double>? histogram = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var timer = ValueTimer.Start();
        T result;
        TimeSpan elapsed;
        try
        {
            result = await operation().ConfigureAwait(false);
        }
        finally
        {
            elapsed = timer.Elapsed;
            Record(histogram, name, elapsed);
        }

        return (result, elapsed);
    }

    private static void Record(Histogram<double>? histogram, string? name, TimeSpan elapsed)
    {
        if (name is null)
        {
            histogram?.Record(elapsed.TotalSeconds);
        }
        else
        {
            histogram?.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("accuscene.operation", name));
        }
    }
}
