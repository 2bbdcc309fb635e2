// The server side of the load comparison with nginx (see Benchmarks/README.md): a Parapet server whose
// only handler answers like the perf harness's nginx origin — `/` with the 13-byte `hello, world\n`,
// `/16k` and `/1m` with bodies of those sizes — over HTTP/1.1 and h2c on one port.
//
//     parapet-hello --listen 127.0.0.1:27120
import NIOCore
import Parapet

let arguments = Array(CommandLine.arguments.dropFirst())
let listen = arguments.firstIndex(of: "--listen").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
var configuration = ServerConfiguration.backend
try configuration.bind(to: listen ?? "127.0.0.1:8080")

let bodies: [String: ByteBuffer] = [
    "/": ByteBuffer(string: "hello, world\n"),
    "/16k": ByteBuffer(repeating: UInt8(ascii: "x"), count: 16 * 1024),
    "/1m": ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024 * 1024),
]
let server = Server(configuration: configuration)
server.use(Endpoint { request, _ in
    guard let body = bodies[request.path ?? ""] else { return .error(.notFound) }
    return Response(status: .ok, headerFields: [.contentType: "text/plain"], body: HTTPBody(body))
})
try await server.listenAndServe()
