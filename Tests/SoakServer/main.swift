import Parapet

// The static-file and backend half of the soak run (scripts/soak.sh): `FileServer` used as documented —
// files from a directory, then a fallback — on the backend profile (HTTP/1.1 and h2c). The fallback
// answers every other request with its host and path, so the same process is the backend the reference
// example (parapet-example) proxies to, and its file server is reached both directly and through the
// example.
//
//     parapet-soak-server <port> <root>
#if canImport(Glibc)
    import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2, let port = Int(arguments[0]) else {
    print("usage: parapet-soak-server <port> <root>")
    exit(2)
}
do {
    var configuration = ServerConfiguration.backend
    try configuration.bind(to: "127.0.0.1:\(port)")
    let server = Server(configuration: configuration)
    server.use(FileServer(root: arguments[1]))
    server.use(Endpoint { request, _ in .text("backend \(request.authority ?? "-") \(request.path ?? "-")\n") })
    try await server.listenAndServe()
} catch {
    print("parapet-soak-server: \(error)")
    exit(2)
}
