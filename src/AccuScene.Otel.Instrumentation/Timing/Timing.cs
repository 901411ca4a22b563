using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AccuScene.Otel.Instrumentation.Timing;

/// <summary>Helpers that time asynchronous work.</summary>
public static class Timing
{
    /// <summary>Runs <paramref name="operation"/> and returns how long it took; records it to <paramref name="histogram"/> in seconds.</summary>
    /// <param name="operation">The work.</param>
    /// <param name="histogram">Where the duration goes; optional.</param>
    /// <param name="name">The <c>accuscene.operation</c> tag.</param>
    /// <returns>
    /// The duration. When the work throws, the duration is recorded with <c>error.type</c> (the exception's full type
    /// name, as the semantic conventions ask of a failed operation) and the exception is rethrown.
    /// </returns>
    public static async Task<TimeSpan> MeasureAsync(Func<Task> operation, Histogram<double>? histogram = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var timer = ValueTimer.Start();
        TimeSpan elapsed;
        string? errorType = null;
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = ex.GetType().FullName;
            throw;
        }
        finally
        {
            var seconds = timer.ElapsedSeconds;
            elapsed = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            Record(histogram, name, seconds, errorType);
        }

        return elapsed;
    }

    /// <summary>Runs <paramref name="operation"/> and returns its result with how long it took.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="operation">The work.</param>
    /// <param name="histogram">Where the duration goes; optional.</param>
    /// <param name="name">The <c>accuscene.operation</c> tag.</param>
    /// <returns>
    /// The result and the duration. When the work throws, the duration is recorded with <c>error.type</c> (the
    /// exception's full type name) and the exception is rethrown.
    /// </returns>
    public static async Task<(T Result, TimeSpan Elapsed)> MeasureAsync<T>(Func<Task<T>> operation, Histogram<double>? histogram = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var timer = ValueTimer.Start();
        T result;
        TimeSpan elapsed;
        string? errorType = null;
        try
        {
            result = await operation().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = ex.GetType().FullName;
            throw;
        }
        finally
        {
            var seconds = timer.ElapsedSeconds;
            elapsed = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            Record(histogram, name, seconds, errorType);
        }

        return (result, elapsed);
    }

    private static void Record(Histogram<double>? histogram, string? name, double seconds, string? errorType)
    {
        if (histogram is null)
        {
            return;
        }

        var tags = default(TagList);
        if (name is not null)
        {
            tags.Add("accuscene.operation", name);
        }

        if (errorType is not null)
        {
            tags.Add(SemanticConventions.ErrorType, errorType);
        }

        histogram.Record(seconds, tags);
    }
}
