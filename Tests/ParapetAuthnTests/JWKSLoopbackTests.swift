import HTTPTypes
import Logging
import NIOCore
import Parapet
import ParapetTesting
import Synchronization
import ParapetTestSupport
import Testing

@testable import ParapetAuthn

/// A JWKS endpoint on a real loopback server, whose document the test switches, counting fetches.
final class JWKSOrigin: Sendable {
    enum Answer: Sendable {
        case document(String)
        case status(HTTPResponse.Status)
    }

    private let state = Mutex<(answer: Answer, fetches: Int)>((.status(.notFound), 0))

    var fetches: Int { state.withLock { $0.fetches } }

    func serve(_ answer: Answer) { state.withLock { $0.answer = answer } }

    var endpoint: Endpoint {
        Endpoint { [self] _, _ in
            let answer = state.withLock { state in
                state.fetches += 1
                return state.answer
            }
            switch answer {
            case .document(let text):
                return Response(
                    status: .ok, headerFields: [.contentType: "application/json"], body: HTTPBody(string: text))
            case .status(let status): return .error(status)
            }
        }
    }
}

@Suite("JWKS over a loopback server", .timeLimit(.minutes(1)))
struct JWKSLoopbackTests {
    static let logger = Logger(label: "jwks-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a JWKS origin on a loopback server and a way to make an authenticator on it.
    func withOrigin(
        _ body: (JWKSOrigin, (JWKSKeySource.Options, OutcomeLog) throws -> (any Handler, Runtime)) async throws -> Void
    ) async throws {
        let origin = JWKSOrigin()
        let server = try loopbackServer()
        server.use(origin.endpoint)
        let transport = HTTPClientTransport()
        let runtimes = Mutex<[Runtime]>([])
        try await withRunningServer(server) { address in
            try await body(origin) { options, log in
                let source = JWKSKeySource(
                    authority: "\(address)", path: "/jwks.json",
                    transport: SingleHost("\(address)", transport: transport),
                    options: options)
                let runtime = Runtime.system
                runtimes.withLock { $0.append(runtime) }
                let handler = try JWT(
                    keys: .jwks(source), options: .init(algorithms: [.es256, .edDSA], observe: log.record)
                )
                .wrap(echoSubject, in: ChainEnvironment(runtime: runtime, logger: Self.logger))
                return (handler, runtime)
            }
        }
        for runtime in runtimes.withLock({ $0 }) { runtime.spawner.cancelAll() }
        await transport.shutdown()
    }

    func status(_ handler: any Handler, _ runtime: Runtime, _ token: String) async throws -> HTTPResponse.Status {
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "api", path: "/", headerFields: bearer(token)))
        let context = RequestContext(connection: ConnectionInfo(peer: nil), logger: Self.logger, runtime: runtime)
        return try await handler.handle(request, context: context).status
    }

    /// No rate limit here (see ``JWKSStateMachineTests`` for it): the one fetch comes from joining the
    /// running fetch, and from answering a caller that saw an older set with the newer one.
    @Test("1,000 concurrent requests with the same unknown kid cause one fetch, and all pass once it lands")
    func unknownKidCoalesces() async throws {
        try await withOrigin { origin, make in
            origin.serve(.document(JWKSFixtures.document(JWKSFixtures.a)))
            let (handler, runtime) = try make(
                .init(refreshInterval: .seconds(3600), minimumRefreshInterval: .zero), OutcomeLog())
            #expect(try await status(handler, runtime, JWKSFixtures.token("A")) == .ok)
            #expect(origin.fetches == 1)
            origin.serve(.document(JWKSFixtures.document(JWKSFixtures.a, JWKSFixtures.b)))
            let token = JWKSFixtures.token("B")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<1000 { group.addTask { try await status(handler, runtime, token) } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 1000)
            #expect(statuses.allSatisfy { $0 == .ok })
            #expect(origin.fetches == 2)
        }
    }

    @Test("a failed refresh keeps the last good set; a rotated key passes after the next fetch, the removed one fails")
    func rotationAndFailure() async throws {
        try await withOrigin { origin, make in
            origin.serve(.document(JWKSFixtures.document(JWKSFixtures.a)))
            let log = OutcomeLog()
            let (handler, runtime) = try make(
                .init(refreshInterval: .seconds(3600), minimumRefreshInterval: .zero), log)
            #expect(try await status(handler, runtime, JWKSFixtures.token("A")) == .ok)
            origin.serve(.status(.internalServerError))
            #expect(try await status(handler, runtime, JWKSFixtures.token("C")) == .unauthorized)
            #expect(log.last == .rejected(.unknownKeyID))
            #expect(try await status(handler, runtime, JWKSFixtures.token("A")) == .ok)
            origin.serve(.document(JWKSFixtures.document(JWKSFixtures.c)))
            #expect(try await status(handler, runtime, JWKSFixtures.token("C")) == .ok)
            #expect(try await status(handler, runtime, JWKSFixtures.token("A")) == .unauthorized)
            #expect(log.last == .rejected(.unknownKeyID))
            #expect(origin.fetches == 4)
        }
    }

    @Test("an oversized JWKS is refused and, with no earlier set, requests get 503")
    func oversized() async throws {
        try await withOrigin { origin, make in
            let padding = Array(repeating: JWKSFixtures.b, count: 40)
            origin.serve(.document(JWKSFixtures.document(([JWKSFixtures.a] + padding).joined(separator: ","))))
            let fetches = Mutex<[JWKSKeySource.FetchOutcome]>([])
            let options = JWKSKeySource.Options(
                maxResponseBytes: 2048, observe: { outcome in fetches.withLock { $0.append(outcome) } })
            let log = OutcomeLog()
            let (handler, runtime) = try make(options, log)
            #expect(try await status(handler, runtime, JWKSFixtures.token("A")) == .serviceUnavailable)
            #expect(log.last == .rejected(.keysUnavailable))
            #expect(fetches.withLock { $0 } == [.failed(reason: "document larger than the limit")])
        }
    }
}
