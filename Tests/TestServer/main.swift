// A Parapet server for process-level tests (signals, exit timing). It serves `/` and a slow streamed
// `/slow` (five chunks, 200 ms apart) with `listenAndServe()`, exactly as an application would, so
// SIGTERM starts a graceful shutdown.
//
//     parapet-test-server <port> <wait-before-shutdown-ms> <grace-timeout-ms>
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Parapet

let arguments = CommandLine.arguments.dropFirst().compactMap { Int64($0) }
guard arguments.count == 3 else {
    print("usage: parapet-test-server <port> <wait-before-shutdown-ms> <grace-timeout-ms>")
    exit(2)
}
var configuration = ServerConfiguration.general
try configuration.bind(to: "127.0.0.1:\(arguments[0])")
configuration.waitBeforeShutdown = .milliseconds(arguments[1])
configuration.graceTimeout = .milliseconds(arguments[2])

let server = Server(configuration: configuration)
server.onShutdown { print("shutdown hook ran") }
server.use(Endpoint { request, context in
    guard request.path == "/slow" else { return .text("ok\n") }
    let clock = context.runtime.clock
    let chunks = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
        let producer = Task {
            for index in 0..<5 {
                continuation.yield(ByteBuffer(string: "chunk\(index);"))
                try await clock.sleep(for: .milliseconds(200))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in producer.cancel() }
    }
    return Response(status: .ok, body: HTTPBody(stream: chunks))
})
try await server.listenAndServe()
print("exited cleanly")
