public import ParapetCore
public import ParapetNIO

/// A server with `configuration` (and `tls`, when given) bound to an ephemeral port on 127.0.0.1.
public func loopbackServer(_ configuration: ServerConfiguration = .general, tls: ServerTLSConfiguration? = nil) throws -> Server {
    var configuration = configuration
    try configuration.bind(to: "127.0.0.1:0")
    return Server(configuration: configuration, tls: tls)
}

/// Starts `server`, runs `body` against its address, then stops serving.
@discardableResult
public func withRunningServer<T>(_ server: Server, _ body: (NetworkAddress) async throws -> T) async throws -> T {
    let listener = try await server.listen()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await listener.serve() }
        defer { group.cancelAll() }
        return try await body(listener.localAddress)
    }
}
