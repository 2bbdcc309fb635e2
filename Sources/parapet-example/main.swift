#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Parapet

// A small Parapet server: a response header on everything, a health check, and an endpoint that
// shows what the chain saw. Listens on PARAPET_EXAMPLE_ADDR (default ":8080").
var configuration = ServerConfiguration.general
do {
    try configuration.bind(to: getenv("PARAPET_EXAMPLE_ADDR").map { String(cString: $0) } ?? ":8080")
} catch {
    print("parapet-example: \(error)")
    exit(2)
}

let server = Server(configuration: configuration)
try server.use(Around { request, context, next in
    var response = try await next.handle(request, context: context)
    response.headerFields[.server] = "parapet"
    return response
})
try server.use(Cond(
    if: { request, _ in request.path == "/healthz" },
    then: Endpoint { _, _ in .text("ok\n") }
))
try server.use(Endpoint { request, context in
    let client = request.headerFields[.xForwardedFor] ?? "-"
    return .text("hello from Parapet: \(request.method) \(request.path ?? "") for \(client)\n")
})
try await server.listenAndServe()
