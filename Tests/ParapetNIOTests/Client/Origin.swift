import HTTPTypes
import NIOCore
import Parapet
import ParapetTestSupport

/// A failure an origin throws in the middle of a body.
struct OriginBodyBroke: Error {}

/// The origin server of the tests: a Parapet server whose routes echo, count, generate, hang and break.
enum Origin {
    /// Creates an origin; `arrived` fires when a `/hang` request arrives.
    static func make(
        _ configuration: ServerConfiguration = .general, tls: ServerTLSConfiguration? = nil,
        counter: ConnectionCounter? = nil, arrived: Signal? = nil
    ) throws -> Server {
        let server = try loopbackServer(configuration, tls: tls)
        if let counter { try server.addConnectionHook(counter) }
        server.use(Endpoint { request, context in try await respond(to: request, context: context, arrived: arrived) })
        return server
    }

    static func respond(to request: Request, context: RequestContext, arrived: Signal?) async throws -> Response {
        let path = request.path ?? "/"
        let parts = path.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
        switch parts.first ?? "" {
        case "echo":
            return Response(status: .ok, headerFields: [.contentType: "application/octet-stream"], body: request.body)
        case "count":
            var total = 0
            for try await chunk in request.body { total += chunk.readableBytes }
            return .text("\(total)")
        case "bytes":
            let total = Int(parts.last ?? "0") ?? 0
            return Response(status: .ok, body: HTTPBody(stream: GeneratedBytes(total: total), length: total))
        case "text":
            let total = Int(parts.last ?? "0") ?? 0
            return Response(
                status: .ok, headerFields: [.contentType: "text/plain"],
                body: HTTPBody(stream: GeneratedBytes(total: total), length: total))
        case "chunked":
            let total = Int(parts.last ?? "0") ?? 0
            return Response(status: .ok, body: HTTPBody(stream: GeneratedBytes(total: total)))
        case "hang":
            arrived?.fire()
            try await Task.sleep(for: .seconds(600))
            return .text("too late")
        case "broken":
            return Response(status: .ok, body: HTTPBody(stream: BrokenBytes(), length: 1 << 20))
        case "host":
            return .text(request.authority ?? "")
        case "info":
            let fields = request.headerFields.map { "\($0.name.canonicalName)=\($0.value)" }.sorted()
            return .text("\(request.method.rawValue) \(path) \(context.connection.httpProtocol) \(fields.joined(separator: ";"))")
        default:
            return .text("hello")
        }
    }
}

/// 128 KiB, then a failure.
struct BrokenBytes: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    struct AsyncIterator: AsyncIteratorProtocol {
        var sent = 0
        mutating func next() async throws -> ByteBuffer? {
            guard sent < 2 else { throw OriginBodyBroke() }
            sent += 1
            return GeneratedBytes.slice
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
}
