// A Parapet reverse proxy in its own process, so a test can watch the proxy's memory alone: everything
// on the port is proxied to the upstream over pooled HTTP/1.1.
//
//     parapet-test-proxy <port> <upstream host:port> [--compress]
//
// With `--compress`, responses are compressed (`Compression()` in front of the proxy).
#if canImport(Glibc)
import Glibc
#endif
import Parapet

let arguments = Array(CommandLine.arguments.dropFirst())
guard (2...3).contains(arguments.count), let port = Int(arguments[0]), arguments.count == 2 || arguments[2] == "--compress"
else {
    print("usage: parapet-test-proxy <port> <upstream host:port> [--compress]")
    exit(2)
}
var configuration = ServerConfiguration.backend
try configuration.bind(to: "127.0.0.1:\(port)")
configuration.waitBeforeShutdown = .zero
let server = Server(configuration: configuration)
if arguments.count == 3 {
    server.use(Compression())
}
server.use(Upstream(SingleHost(arguments[1], transport: HTTPClientTransport()), Upstream.Options(retries: 0)))
try await server.listenAndServe()
