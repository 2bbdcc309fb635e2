public import HTTPTypes
public import NIOCore
public import ParapetCore
import Logging

/// Sends requests through a chain under test (see ``ChainTest``) and collects the responses.
public struct TestClient: Sendable {
    /// The address requests come from unless a request names another: a public address, so that a
    /// chain trusting proxies on private networks treats it as the client itself.
    public static let defaultPeer = NetworkAddress.ip(.v4(0xCB00_710A), port: 40_000)  // 203.0.113.10

    let handler: any Handler
    /// The runtime the chain runs on; its clock is virtual.
    public let runtime: Runtime

    static let quietLogger = Logger(label: "parapet.testing", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Sends one request and collects its response.
    ///
    /// - Parameters:
    ///   - host: the request's authority (`Host`).
    ///   - peer: the address the request comes from.
    ///   - bodyLimit: the most body bytes collected; a longer body is an error.
    /// - Throws: what the chain threw (a server would answer `500`), or what reading the body threw.
    public func execute(
        _ method: HTTPRequest.Method = .get,
        _ path: String,
        host: String = "example.com",
        headers: HTTPFields = [:],
        body: ByteBuffer? = nil,
        from peer: NetworkAddress = TestClient.defaultPeer,
        bodyLimit: Int = 16 << 20
    ) async throws -> TestResponse {
        let head = HTTPRequest(method: method, scheme: "http", authority: host, path: path, headerFields: headers)
        let request = Request(head: head, body: body.map { HTTPBody($0) } ?? .empty)
        let context = RequestContext(connection: ConnectionInfo(peer: peer), logger: Self.quietLogger, runtime: runtime)
        let response = try await handler.handle(request, context: context)
        return TestResponse(
            status: response.status, headerFields: response.headerFields,
            body: try await response.body.collect(upTo: bodyLimit))
    }

    /// Lets `duration` of virtual time pass: cooldowns end, timers fire, health checks probe.
    public func sleep(for duration: Duration) async throws {
        try await runtime.clock.sleep(for: duration)
    }
}
