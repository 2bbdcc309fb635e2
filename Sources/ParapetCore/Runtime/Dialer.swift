public import NIOCore

/// A connected, bidirectional byte stream returned by a ``Dialer``.
///
/// Reads are pulled, so a slow reader exerts backpressure on the peer.
///
/// ```swift
/// let connection = try await runtime.dialer.dial(address, timeout: .seconds(5))
/// try await connection.write(ByteBuffer(string: "PING\r\n"))
/// let reply = try await connection.read()
/// await connection.close()
/// ```
public protocol NetworkConnection: Sendable {
    /// The next bytes from the peer, or `nil` once the peer has finished sending.
    func read() async throws -> ByteBuffer?
    /// Sends `bytes`, suspending while the peer is not keeping up.
    func write(_ bytes: ByteBuffer) async throws
    /// Closes both directions; further reads and writes fail.
    func close() async
}

/// The connection seam: every outbound socket opened by code above the NIO backend goes through here.
///
/// Production opens TCP and unix-domain sockets with SwiftNIO; the simulator connects to simulated
/// backends over links with latency, loss, refusals, black holes and partitions.
///
/// ```swift
/// let connection = try await runtime.dialer.dial(.ip(IPAddress("127.0.0.1")!, port: 6379),
///                                                timeout: .milliseconds(100))
/// ```
public protocol Dialer: Sendable {
    /// Connects to `address`, failing when no connection is established within `timeout`.
    func dial(_ address: NetworkAddress, timeout: Duration) async throws -> any NetworkConnection
}
