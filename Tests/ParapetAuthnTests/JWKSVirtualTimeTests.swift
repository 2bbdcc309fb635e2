import HTTPTypes
import ParapetCore
import ParapetTesting
import ParapetUpstream
import Synchronization
import Testing

@testable import ParapetAuthn

/// A JWKS endpoint as a transport in the simulator: answers with the current document after `delay` of
/// virtual time, counting fetches.
final class ScriptedJWKS: Transport {
    private let state = Mutex<(document: String?, delay: Duration, fetches: Int)>((nil, .milliseconds(20), 0))

    var fetches: Int { state.withLock { $0.fetches } }

    /// Serves `document`, or fails with `nil` (a 503), after `delay`.
    func serve(_ document: String?, delay: Duration = .milliseconds(20)) {
        state.withLock {
            $0.document = document; $0.delay = delay
        }
    }

    func roundTrip(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let (document, delay) = state.withLock { state in
            state.fetches += 1
            return (state.document, state.delay)
        }
        try await context.runtime.clock.sleep(for: delay)
        guard let document else { return UpstreamResponse(response: .error(.serviceUnavailable), target: nil) }
        return UpstreamResponse(response: Response(status: .ok, body: HTTPBody(string: document)), target: nil)
    }
}

@Suite("JWKS in virtual time")
struct JWKSVirtualTimeTests {
    func chain(_ transport: ScriptedJWKS, _ options: JWKSKeySource.Options, _ log: OutcomeLog) -> Middlewares {
        let chain = Middlewares()
        let source = JWKSKeySource(
            authority: "issuer.example", path: "/jwks.json", transport: transport, options: options)
        chain.use(JWT(keys: .jwks(source), options: .init(algorithms: [.es256, .edDSA], observe: log.record)))
        chain.use(echoSubject)
        return chain
    }

    @Test("the background refresh picks up a rotated key within one interval, with no request asking")
    func backgroundRotation() async throws {
        let jwks = ScriptedJWKS()
        jwks.serve(JWKSFixtures.document(JWKSFixtures.a))
        let log = OutcomeLog()
        try await chain(jwks, .init(refreshInterval: .seconds(300), minimumRefreshInterval: .seconds(3600)), log).test {
            client in
            let first = try await client.execute(.get, "/", headers: bearer(JWKSFixtures.token("A")))
            jwks.serve(JWKSFixtures.document(JWKSFixtures.c))
            let early = try await client.execute(.get, "/", headers: bearer(JWKSFixtures.token("C")))
            try await client.sleep(for: .seconds(301))
            let late = try await client.execute(.get, "/", headers: bearer(JWKSFixtures.token("C")))
            #expect([first.status, early.status, late.status] == [.ok, .unauthorized, .ok])
        }
        #expect(jwks.fetches == 2)
    }

    @Test("a fetch slower than the timeout fails and keeps the last good set; the next try succeeds")
    func timeout() async throws {
        let jwks = ScriptedJWKS()
        jwks.serve(JWKSFixtures.document(JWKSFixtures.a))
        let outcomes = Mutex<[JWKSKeySource.FetchOutcome]>([])
        let options = JWKSKeySource.Options(
            refreshInterval: .seconds(60), retryInterval: .seconds(10), timeout: .seconds(2),
            observe: { outcome in outcomes.withLock { $0.append(outcome) } })
        try await chain(jwks, options, OutcomeLog()).test { client in
            #expect(try await client.execute(.get, "/", headers: bearer(JWKSFixtures.token("A"))).status == .ok)
            jwks.serve(JWKSFixtures.document(JWKSFixtures.a, JWKSFixtures.b), delay: .seconds(5))
            try await client.sleep(for: .seconds(63))
            let during = try await client.execute(.get, "/", headers: bearer(JWKSFixtures.token("A")))
            jwks.serve(JWKSFixtures.document(JWKSFixtures.a, JWKSFixtures.b))
            try await client.sleep(for: .seconds(16))
            let after = try await client.execute(.get, "/", headers: bearer(JWKSFixtures.token("B")))
            #expect([during.status, after.status] == [.ok, .ok])
        }
        #expect(outcomes.withLock { $0 } == [.loaded(keys: 1), .failed(reason: "timed out"), .loaded(keys: 2)])
    }
}
