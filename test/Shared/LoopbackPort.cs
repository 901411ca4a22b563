using System.Net;
using System.Net.Sockets;

namespace AccuScene.Otel.Testing;

/// <summary>Free loopback ports for servers that cannot bind port 0. Shared by the test projects as a linked source file.</summary>
internal static class LoopbackPort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Asks the OS for a free ephemeral port on 127.0.0.1, never one this process was given before: the port is
    /// released before the server binds it, so two servers started close together could otherwise get the same one.
    /// Another process can still take it in between; the integration servers retry with new ports when that happens.
    /// </summary>
    public static int GetFree()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
