// A Parapet reverse proxy in its own process, so a test can watch the proxy's memory alone, or kill it:
// everything on the port is proxied to the upstream over pooled HTTP/1.1.
//
//     parapet-test-proxy <port> <upstream host:port> [--compress] [--cache memory|disk:DIR] [--cache-budget BYTES]
//
// With `--compress`, responses are compressed (`Compression()` in front of the proxy); with
// `--cache memory` or `--cache disk:DIR`, a `Cache` with default options sits in front of it, keeping
// responses in memory or in the directory DIR, at most `--cache-budget` bytes (default 1 GiB).
#if canImport(Glibc)
import Glibc
#endif
import Parapet

func usage() -> Never {
    print("usage: parapet-test-proxy <port> <upstream host:port> [--compress] [--cache memory|disk:DIR] [--cache-budget BYTES]")
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let port = Int(arguments[0]) else { usage() }
let upstream = arguments[1]
arguments.removeFirst(2)
var compress = false
var cacheKind: String?
var cacheBudget = 1 << 30
while let flag = arguments.first {
    arguments.removeFirst()
    switch flag {
    case "--compress":
        compress = true
    case "--cache" where arguments.first == "memory" || arguments.first?.hasPrefix("disk:") == true:
        cacheKind = arguments.removeFirst()
    case "--cache-budget" where arguments.first.flatMap(Int.init) != nil:
        cacheBudget = Int(arguments.removeFirst())!
    default:
        usage()
    }
}
let cache: (any CacheStore)? =
    switch cacheKind {
    case "memory": MemoryCacheStore(byteBudget: cacheBudget)
    case let kind?: try await DiskCacheStore(directory: String(kind.dropFirst(5)), byteBudget: cacheBudget, runtime: .system)
    case nil: nil
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
