import Foundation
import HTTPTypes
import Parapet
import ParapetTesting
import ParapetTestSupport
import Testing

/// Spellings of guarded paths sent through guards (a `Location`, a `MatchBlock` predicate on the path, a
/// `Router` route) in front of an `Upstream`, in memory and on real sockets: each request is either
/// caught by a guard, refused, or reaches the origin with a path that does not route under a guard —
/// whether the origin keeps escapes as data, decodes them, or strips `;` parameters as Tomcat does.
@Suite("Path confusion: what routing matched is what the origin gets")
struct PathConfusionTests {
    enum Outcome: Equatable, CustomStringConvertible {
        /// A guard answered `403`.
        case guarded
        /// The path rules answered `400`.
        case refused
        /// The origin received this request target.
        case forwarded(String)

        var description: String {
            switch self {
            case .guarded: "guarded"
            case .refused: "refused"
            case .forwarded(let target): "forwarded \(target)"
            }
        }
    }

    /// A target, what the strict default does with it, and what rules keeping `%2F`, `%5C` and `;` as
    /// data do.
    static let table: [(target: String, strict: Outcome, lenient: Outcome)] = [
        ("/admin", .guarded, .guarded),
        ("/admin/x", .guarded, .guarded),
        ("/%61dmin", .guarded, .guarded),
        ("//admin", .guarded, .guarded),
        ("///admin///x", .guarded, .guarded),
        ("/./admin", .guarded, .guarded),
        ("/x/../admin", .guarded, .guarded),
        ("/x/../../../admin", .guarded, .guarded),
        ("/x/%2e%2e/admin", .guarded, .guarded),
        ("/x/%2E%2E/admin", .guarded, .guarded),
        ("/x/.%2e/admin", .guarded, .guarded),
        ("/%2e/admin", .guarded, .guarded),
        ("/admin/.", .guarded, .guarded),
        ("/admin/..%2F", .refused, .guarded),
        ("/admin/..%2f", .refused, .guarded),
        ("/admin/%2e%2e%2f", .refused, .guarded),
        ("/admin%2Fx", .refused, .forwarded("/admin%2Fx")),
        ("/admin%2fx", .refused, .forwarded("/admin%2Fx")),
        ("/x/..%2Fadmin", .refused, .forwarded("/x/..%2Fadmin")),
        ("/admin%5Cx", .refused, .forwarded("/admin%5Cx")),
        ("/x/..%5cadmin", .refused, .forwarded("/x/..%5Cadmin")),
        ("/x\\..\\admin", .refused, .forwarded("/x%5C..%5Cadmin")),
        ("/caf\u{E9}", .forwarded("/caf%C3%A9"), .forwarded("/caf%C3%A9")),
        ("/x/..%252Fadmin", .forwarded("/x/..%252Fadmin"), .forwarded("/x/..%252Fadmin")),
        ("/admin%252Fx", .forwarded("/admin%252Fx"), .forwarded("/admin%252Fx")),
        ("/admin;x=y", .refused, .forwarded("/admin;x=y")),
        ("/x/..;/admin", .refused, .refused),
        ("/x/%2e%2e;/admin", .refused, .refused),
        ("/admin/..", .forwarded("/"), .forwarded("/")),
        ("/admin/x/../../public", .forwarded("/public"), .forwarded("/public")),
        ("/admin.", .forwarded("/admin."), .forwarded("/admin.")),
        ("/admin..", .forwarded("/admin.."), .forwarded("/admin..")),
        ("/x/.../admin", .forwarded("/x/.../admin"), .forwarded("/x/.../admin")),
        ("/Admin", .forwarded("/Admin"), .forwarded("/Admin")),
        ("/adminx", .forwarded("/adminx"), .forwarded("/adminx")),
        ("/%C0%AFadmin", .refused, .refused),
        ("/x/%C0%AE%C0%AE/admin", .refused, .refused),
        ("/x/%E0%80%AE%E0%80%AE/admin", .refused, .refused),
        ("/admin%00", .refused, .refused),
        ("/%zzadmin", .refused, .refused),
        ("/admin%4", .refused, .refused),
        ("/caf%c3%a9/%7e", .forwarded("/caf%C3%A9/~"), .forwarded("/caf%C3%A9/~")),
        ("/a%20b/../c", .forwarded("/c"), .forwarded("/c")),
        ("/public?next=/../admin", .forwarded("/public?next=/../admin"), .forwarded("/public?next=/../admin")),
        ("/private", .guarded, .guarded),
        ("/%70rivate/key", .guarded, .guarded),
        ("/x/../private/key?a=1", .guarded, .guarded),
        ("/private%2Fkey", .refused, .forwarded("/private%2Fkey")),
        ("/internal", .guarded, .guarded),
        ("//internal/x", .guarded, .guarded),
        ("/internal/%2e%2e/internal", .guarded, .guarded),
        ("/internal/..", .forwarded("/"), .forwarded("/")),
    ]

    /// Targets the HTTP/1 server itself answers `400` before any middleware runs: raw non-ASCII bytes.
    static let refusedOnTheWire: Set<String> = ["/caf\u{E9}"]

    static let guards = ["admin", "private", "internal"]
    static let lenient = RequestPathRules(encodedSlashes: .keepAsData, semicolons: .keepAsData)

    /// A `Location`, a `MatchBlock` and a `Router` guarding the three prefixes with `403`, then `last`.
    static func useGuards(on server: Server, then last: any Middleware) throws {
        let forbidden = Endpoint { _, _ in .text("guarded", status: .forbidden) }
        let admin = Location(prefix: "/admin")
        admin.use(forbidden)
        let secret = MatchBlock { request, _ in
            let path = request.path?.split(separator: "?", omittingEmptySubsequences: false).first ?? ""
            return path == "/private" || path.hasPrefix("/private/")
        }
        secret.use(forbidden)
        let router = Router()
        router.route("/internal", to: forbidden)
        server.use(admin)
        server.use(secret)
        server.use(router)
        server.use(last)
    }

    static func configuration(lenient: Bool) -> ServerConfiguration {
        var configuration = ServerConfiguration.general
        if lenient { configuration.pathRules = Self.lenient }
        return configuration
    }

    /// What `status` and the target the origin saw (`nil` if none) make of a request.
    static func outcome(status: Int, received: String?) -> Outcome? {
        switch status {
        case 403: .guarded
        case 400: .refused
        case 200: received.map(Outcome.forwarded)
        default: nil
        }
    }

    @Test(arguments: [false, true])
    func inMemoryTheGuardsSeeThePathThatReachesTheUpstream(lenient: Bool) async throws {
        let server = try loopbackServer(Self.configuration(lenient: lenient))
        try Self.useGuards(on: server, then: Endpoint { request, _ in .text(request.path ?? "") })
        let handler = try server.makeHandler()
        for row in Self.table {
            let request = Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "site.test", path: row.target))
            let response = try await handler.handle(request, context: testContext)
            let body = try await text(of: response.body)
            let outcome = Self.outcome(status: response.status.code, received: body)
            #expect(outcome == (lenient ? row.lenient : row.strict), "\(row.target)")
        }
    }

    @Test(arguments: [false, true])
    func onSocketsTheOriginGetsWhatRoutingMatched(lenient: Bool) async throws {
        try await withTimeLimit(.seconds(60)) {
            let origin = try await RawOrigin.start { head in
                let requestLine = head.components(separatedBy: "\r\n").first ?? ""
                return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: \(requestLine.utf8.count)\r\n\r\n"
                    + requestLine
            }
            let transport = HTTPClientTransport()
            let proxy = try loopbackServer(Self.configuration(lenient: lenient))
            try Self.useGuards(
                on: proxy,
                then: Upstream(
                    SingleHost("127.0.0.1:\(origin.port)", transport: transport), Upstream.Options(retries: 0)))
            try await withRunningServer(proxy) { address in
                for row in Self.table {
                    let client = try await RawHTTPConnection(to: address)
                    try await client.send("GET \(row.target) HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n")
                    let response = try await client.readResponse()
                    await client.close()
                    let requestLine = response.body.split(separator: " ")
                    let received = requestLine.count == 3 ? String(requestLine[1]) : nil
                    let outcome = Self.outcome(status: response.status, received: received)
                    let expected =
                        Self.refusedOnTheWire.contains(row.target) ? .refused : lenient ? row.lenient : row.strict
                    #expect(outcome == expected, "\(row.target): \(response.statusLine)")
                    if let received {
                        Self.expectNotGuarded(received, strict: !lenient)
                    }
                }
            }
            await transport.shutdown()
            await origin.stop()
        }
    }

    /// Checks that `target`, as an origin received it, is already in normal form and routes under no
    /// guard with its escapes kept as data — nor, under the strict rules, once fully decoded and resolved
    /// (as a server that decodes `%2F` would) or with `;` parameters stripped (as Tomcat would).
    static func expectNotGuarded(_ target: String, strict: Bool) {
        let path = String(target.split(separator: "?", omittingEmptySubsequences: false)[0])
        #expect((try? lenient.normalizedTarget(target)) == target, "\(target) is not in normal form")
        var readings = [path]
        if strict {
            readings.append(resolved(String(decoding: percentDecoded(path), as: UTF8.self)))
            readings.append(resolved(path.split(separator: "/").map { $0.prefix { $0 != ";" } }.joined(separator: "/")))
        }
        for reading in readings {
            let first = reading.split(separator: "/").first.map(String.init) ?? ""
            #expect(!guards.contains(first), "\(target) routes under /\(first) when read as \(reading)")
        }
    }

    /// `path` with `.` and `..` segments resolved and empty ones dropped.
    static func resolved(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/") {
            if segment == ".." { _ = kept.popLast() } else if segment != "." { kept.append(segment) }
        }
        return "/" + kept.joined(separator: "/")
    }

    static func percentDecoded(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2,
                let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }
}
