// The proxy side of the load comparison with nginx and HAProxy (see /work/shared/perf/README.md): a
// Parapet server (backend profile: HTTP/1.1 and h2c on one port) whose chain is one `Upstream` to a
// single origin over the pooled HTTP/1.1 client, optionally behind a cache with default options.
//
//     ProxyBench --listen 127.0.0.1:27120 --upstream 127.0.0.1:27080 [--cache memory|disk:DIR]
//
// Run it from the perf harness:
//
//     PROXY_CMD='.build/release/ProxyBench --listen {listen} --upstream {upstream}' \
//     PROXY_NAME=parapet PROXY_H2C=1 ./run.sh
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import Parapet

/// The value after `name` on the command line.
func option(_ name: String) -> String? {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let index = arguments.firstIndex(of: name), arguments.indices.contains(index + 1) else { return nil }
    return arguments[index + 1]
}

guard let upstream = option("--upstream") else {
    print("usage: ProxyBench --listen HOST:PORT --upstream HOST:PORT [--cache memory|disk:DIR]")
    exit(2)
}
var configuration = ServerConfiguration.backend
try configuration.bind(to: option("--listen") ?? "127.0.0.1:8080")

var logger = Logger(label: "proxybench")
logger.logLevel = .warning
// The server and the upstream client share one event-loop group, so a proxied request and its upstream
// connection run on the same thread.
let group = MultiThreadedEventLoopGroup.singleton
let server = Server(configuration: configuration, logger: logger, eventLoopGroup: group)
let transport = HTTPClientTransport(options: .init(maxIdleConnectionsPerTarget: 256), eventLoopGroup: group)
switch option("--cache") {
case nil:
    break
case "memory":
    server.use(Cache(store: MemoryCacheStore(byteBudget: 1 << 30)))
case let disk? where disk.hasPrefix("disk:") && disk.count > 5:
    let store = try await DiskCacheStore(directory: String(disk.dropFirst(5)), byteBudget: 1 << 30, runtime: .system)
    server.use(Cache(store: store))
case let other?:
    print("unknown --cache \(other): the store can be memory or disk:DIRECTORY")
    exit(2)
}
server.use(Upstream(SingleHost(upstream, transport: transport)))
try await server.listenAndServe()
await transport.shutdown()
