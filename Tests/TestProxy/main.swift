// A Parapet reverse proxy in its own process, so a test can watch the proxy's memory alone, or kill it:
// everything on the port is proxied to the upstream over pooled HTTP/1.1.
//
//     parapet-test-proxy <port> <upstream host:port> [--compress] [--cache memory]
//
// With `--compress`, responses are compressed (`Compression()` in front of the proxy); with
// `--cache memory`, a `Cache` with default options and a 1 GiB memory store sits in front of it.
#if canImport(Glibc)
import Glibc
#endif
import Parapet

func usage() -> Never {
    print("usage: parapet-test-proxy <port> <upstream host:port> [--compress] [--cache memory]")
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let port = Int(arguments[0]) else { usage() }
let upstream = arguments[1]
arguments.removeFirst(2)
var compress = false
var cache: (any CacheStore)?
while let flag = arguments.first {
    arguments.removeFirst()
    switch flag {
    case "--compress":
        compress = true
    case "--cache" where arguments.first == "memory":
        arguments.removeFirst()
        cache = MemoryCacheStore(byteBudget: 1 << 30)
    default:
        usage()
    }
}
var configuration = ServerConfiguration.backend
try configuration.bind(to: "127.0.0.1:\(port)")
configuration.waitBeforeShutdown = .zero
let server = Server(configuration: configuration)
if compress {
    server.use(Compression())
}
if let cache {
    server.use(Cache(store: cache))
}
server.use(Upstream(SingleHost(upstream, transport: HTTPClientTransport()), Upstream.Options(retries: 0)))
try await server.listenAndServe()
