namespace AccuScene.Otel.IntegrationTests.Infrastructure;

/// <summary>Status codes of a server that may not be listening yet, or may be stopping.</summary>
internal static class HttpProbe
{
    /// <summary>GETs <paramref name="uri"/>: its status code, or <see langword="null"/> when nothing answered.</summary>
    public static async Task<int?> TryGetStatusAsync(HttpClient http, Uri uri, CancellationToken token)
    {
        try
        {
            using var response = await http.GetAsync(uri, token);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet, or stopping
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            return null; // the client's timeout
        }
    }
}
