using System.Net;
using System.Net.Sockets;

namespace AccuScene.Otel.Testing;

/// <summary>Free loopback ports for servers that cannot bind port 0. Shared by the test projects as a linked source file.</summary>
internal static class LoopbackPort
{
    /// <summary>Asks the OS for a free ephemeral port on 127.0.0.1.</summary>
    public static int GetFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
