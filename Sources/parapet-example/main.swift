#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Parapet

// The reference README's example, in Swift: three sites behind one server, each with its rate limit,
// redirects, HSTS and upstreams, plus a health check that writes no log line.
//
// Every backend can be pointed elsewhere with an environment variable holding a URL whose scheme picks
// the transport (`http://`, `h2c://`, `https://`), so the whole example runs on 127.0.0.1 against local
// backends:
//
//     PARAPET_EXAMPLE_ADDR=127.0.0.1:8080 \
//     PARAPET_EXAMPLE_UPSTREAM_EXAMPLE=http://127.0.0.1:8081 swift run parapet-example
//
// Backends: EXAMPLE, EXAMPLE1, EXAMPLE_BACKUP, MYSITE, WORDPRESS.

/// Reads `name` from the environment.
func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

do {
    var configuration = ServerConfiguration.general
    try configuration.bind(to: environment("PARAPET_EXAMPLE_ADDR") ?? ":8080")
    let backends = try ExampleBackends()
    let server = Server(configuration: configuration)

    server.use(AccessLog())
    server.use(RequestID())
    server.use(RateLimit.fixedWindow(perSecond: 60))  // per client IP
    server.use(RateLimit.fixedWindow(perMinute: 300))
    server.use(RateLimit.fixedWindow(perHour: 2000))
    server.use(RequestBodyLimit(15 << 20))  // 15 MiB
    server.use(RequestBodyBuffer(upTo: 15 << 20))
    server.use(Compression(.init(codings: [.brotli, .gzip])))

    // sites
    server.use(example(backends))
    server.use(mysite(backends))
    server.use(wordpress(backends))

    // health check
    let health = Location(exact: "/healthz")
    health.use(SkipAccessLog())
    health.use(Healthz())
    server.use(health)

    try await server.listenAndServe()
} catch {
    print("parapet-example: \(error)")
    exit(2)
}

func example(_ backends: ExampleBackends) -> any Middleware {
    let host = Host("example.com", "www.example.com")
    host.use(RateLimit.fixedWindow(perSecond: 20))
    host.use(Redirect.https)
    host.use(HSTS.preload)
    host.use(Redirect.nonWWW)
    host.use(Upstream(RoundRobinBalancer(TargetPool([
        backends.example.target, backends.example1.target, backends.exampleBackup.target,
    ]))))
    return host
}

func mysite(_ backends: ExampleBackends) -> any Middleware {
    let sites = Middlewares()
    let site = Host("mysiteaaa.io", "www.mysiteaaa.io")
    site.use(RateLimit.fixedWindow(perSecond: 15))
    site.use(Redirect.https)
    site.use(HSTS.preload)
    site.use(Redirect.www)
    site.use(ResponseHeaders(
        .delete("Server"),
        .delete("x-goog-generation"),
        .delete("x-goog-hash"),
        .delete("x-goog-meta-goog-reserved-file-mtime"),
        .delete("x-goog-metageneration"),
        .delete("x-goog-storage-class"),
        .delete("x-goog-stored-content-encoding"),
        .delete("x-goog-stored-content-length"),
        .delete("x-guploader-uploadid")
    ))
    site.use(backends.mysite.upstream)
    sites.use(site)

    let mail = Host("mail.mysiteaaa.io")
    mail.use(Redirect.https)
    mail.use(HSTS.preload)
    mail.use(Redirect(to: "https://mail.google.com/a/mysiteaaa.io", status: .found))
    sites.use(mail)
    return sites
}

func wordpress(_ backends: ExampleBackends) -> any Middleware {
    let host = Host("myblogaaa.com", "www.myblogaaa.com")
    host.use(RateLimit.fixedWindow(perMinute: 150))
    host.use(Redirect.https)
    host.use(HSTS.preload)
    host.use(Redirect.nonWWW)
    let backend = backends.wordpress.upstream
    let assets = Location(matching: #"\.(js|css|svg|png|jp(e)?g|gif)$"#)
    assets.use(ResponseHeaders(.set("Cache-Control", "public, max-age=31536000")))
    assets.use(backend)
    host.use(assets)
    host.use(backend)
    return host
}
