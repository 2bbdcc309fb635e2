import Foundation
import NIOCore
import Parapet
import ParapetTestSupport

/// A server with `configuration` bound to an ephemeral loopback port.
func loopbackServer(_ configuration: ServerConfiguration = .general) throws -> Server {
    var configuration = configuration
    try configuration.bind(to: "127.0.0.1:0")
    return Server(configuration: configuration)
}

/// Starts `server`, runs `body` against its address, then stops serving.
@discardableResult
func withRunningServer<T>(_ server: Server, _ body: (NetworkAddress) async throws -> T) async throws -> T {
    let listener = try await server.listen()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await listener.serve() }
        defer { group.cancelAll() }
        return try await body(listener.localAddress)
    }
}
