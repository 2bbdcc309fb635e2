import Crypto
import CryptoExtras
import HTTPTypes
import Logging
import ParapetCore
import ParapetSimulation
import ParapetTesting
import Synchronization
import Testing

@testable import ParapetAuthn

/// Records what an authenticator's observe hook hears.
final class OutcomeLog: Sendable {
    private let outcomes = Mutex<[JWT.Outcome]>([])
    var all: [JWT.Outcome] { outcomes.withLock { $0 } }
    var last: JWT.Outcome? { all.last }
    func record(_ outcome: JWT.Outcome) { outcomes.withLock { $0.append(outcome) } }
}

/// An endpoint that answers with the subject of the claims it was handed.
let echoSubject = Endpoint { _, context in
    .text("subject=\(context.jwtClaims?.subject ?? "-")")
}

func authenticator(
    _ log: OutcomeLog, _ configure: (inout JWT.Options) -> Void = { _ in }
) throws -> Middlewares {
    var options = JWT.Options(algorithms: Forge.allAlgorithms, observe: log.record)
    configure(&options)
    let chain = Middlewares()
    chain.use(JWT(keys: .fixed(try Forge.keys()), options: options))
    chain.use(echoSubject)
    return chain
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer " + token] }

@Suite("JWT authenticator")
struct JWTAuthenticatorTests {
    @Test(
        "accepts a valid token of every pinned algorithm and hands its claims on",
        arguments: ["hs", "rs", "ps", "es", "es384", "ed"])
    func acceptsEachAlgorithm(_ kid: String) async throws {
        let log = OutcomeLog()
        try await authenticator(log).test { client in
            let response = try await client.execute(.get, "/", headers: bearer(Forge.valid(kid)))
            #expect(response.status == .ok)
            #expect(response.text == "subject=alice")
        }
        #expect(log.last == .accepted(subject: "alice", cached: false))
    }

    @Test("a missing token gets 401 with a bare Bearer challenge")
    func missingToken() async throws {
        let log = OutcomeLog()
        try await authenticator(log) { $0.realm = "api" }.test { client in
            let response = try await client.execute(.get, "/")
            #expect(response.status == .unauthorized)
            #expect(response.headerFields[.wwwAuthenticate] == #"Bearer realm="api""#)
        }
        #expect(log.last == .rejected(.missingToken))
    }

    @Test("an invalid token gets 401 with error=invalid_token, as JSON when asked")
    func invalidTokenChallenge() async throws {
        let log = OutcomeLog()
        try await authenticator(log) { $0.errorFormat = .json }.test { client in
            let response = try await client.execute(.get, "/", headers: bearer(Forge.valid("hs") + "x"))
            #expect(response.status == .unauthorized)
            #expect(response.headerFields[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            #expect(response.headerFields[.contentType] == "application/json")
            #expect(response.text.hasPrefix(#"{"error":"Unauthorized""#))
        }
    }

    @Test("the scheme matches in any case; cookie and query sources work when configured")
    func tokenSources() async throws {
        let log = OutcomeLog()
        let token = Forge.valid("es")
        let chain = try authenticator(log) { $0.tokenSources = [.bearer, .cookie("session"), .query("access_token")] }
        try await chain.test { client in
            let anyCase = try await client.execute(.get, "/", headers: [.authorization: "bEaReR " + token])
            let cookie = try await client.execute(.get, "/", headers: [.cookie: "a=b; session=\(token)"])
            let query = try await client.execute(.get, "/x?y=1&access_token=\(token)")
            let basic = try await client.execute(.get, "/", headers: [.authorization: "Basic " + token])
            #expect([anyCase.status, cookie.status, query.status, basic.status] == [.ok, .ok, .ok, .unauthorized])
        }
    }

    @Test("a refused predicate answers 403 with insufficient_scope")
    func forbidden() async throws {
        let log = OutcomeLog()
        try await authenticator(log) { $0.authorize = { $0["role"]?.stringValue == "admin" } }.test { client in
            let response = try await client.execute(.get, "/", headers: bearer(Forge.valid("hs")))
            #expect(response.status == .forbidden)
            #expect(response.headerFields[.wwwAuthenticate]?.contains("insufficient_scope") == true)
            let admin = Forge.valid("hs", payload: Forge.claims(extra: #""role":"admin""#))
            #expect(try await client.execute(.get, "/", headers: bearer(admin)).status == .ok)
        }
        #expect(log.all.first == .forbidden(subject: "alice"))
    }

    @Test("exp, nbf and iat are checked on the injected wall clock with the leeway")
    func timeClaims() async throws {
        let now = Forge.now
        let cases: [(String, JWT.Rejection?)] = [
            (Forge.claims(exp: now - 30), nil),  // within the 60 s leeway
            (Forge.claims(exp: now - 61), .expired),
            (Forge.claims(exp: now + 600, extra: #""nbf":\#(now + 30)"#), nil),
            (Forge.claims(exp: now + 600, extra: #""nbf":\#(now + 90)"#), .notYetValid),
            (Forge.claims(exp: now + 600, extra: #""iat":\#(now + 90)"#), .issuedInFuture),
            (Forge.claims(exp: nil), .missingClaim("exp")),
            (Forge.claims(exp: nil, extra: #""exp":"tomorrow""#), .invalidClaim("exp")),
        ]
        try await expectClaimChecks(cases, kid: "rs") { $0.cachedTokens = 0 }
    }

    @Test("a token that was valid expires as the wall clock moves, even from the verified-token cache")
    func expiresWhileCached() async throws {
        let log = OutcomeLog()
        let token = Forge.valid("hs", payload: Forge.claims(exp: Forge.now + 100))
        try await authenticator(log).test { client in
            #expect(try await client.execute(.get, "/", headers: bearer(token)).status == .ok)
            #expect(try await client.execute(.get, "/", headers: bearer(token)).status == .ok)
            try await client.sleep(for: .seconds(161))
            #expect(try await client.execute(.get, "/", headers: bearer(token)).status == .unauthorized)
        }
        #expect(
            log.all == [
                .accepted(subject: "alice", cached: false), .accepted(subject: "alice", cached: true),
                .rejected(.expired),
            ])
    }

    @Test("iss and aud (a string or an array) are checked")
    func issuerAndAudience() async throws {
        let now = Forge.now + 600
        let cases: [(String, JWT.Rejection?)] = [
            (#"{"iss":"https://issuer.example","aud":"api","exp":\#(now)}"#, nil),
            (#"{"iss":"https://issuer.example","aud":["x","api"],"exp":\#(now)}"#, nil),
            (#"{"iss":"https://evil.example","aud":"api","exp":\#(now)}"#, .wrongIssuer),
            (#"{"iss":"https://issuer.example","aud":["x","y"],"exp":\#(now)}"#, .wrongAudience),
            (#"{"iss":"https://issuer.example","exp":\#(now)}"#, .missingClaim("aud")),
            (#"{"iss":"https://issuer.example","aud":7,"exp":\#(now)}"#, .invalidClaim("aud")),
        ]
        try await expectClaimChecks(cases, kid: "es") {
            $0.issuers = ["https://issuer.example"]
            $0.audiences = ["api"]
        }
    }

    /// Sends a token signed by the key `kid` for each payload through an authenticator `configure` sets
    /// up, expecting it to pass (`nil`) or to be refused for its reason.
    func expectClaimChecks(
        _ cases: [(payload: String, expected: JWT.Rejection?)], kid: String, _ configure: (inout JWT.Options) -> Void
    ) async throws {
        let log = OutcomeLog()
        try await authenticator(log, configure).test { client in
            for (payload, expected) in cases {
                let response = try await client.execute(.get, "/", headers: bearer(Forge.valid(kid, payload: payload)))
                #expect(response.status == (expected == nil ? .ok : .unauthorized), "\(payload)")
                if let expected { #expect(log.last == .rejected(expected), "\(payload)") }
            }
        }
    }

    @Test("the subject reaches the access log")
    func accessLogSubject() async throws {
        let record = AccessLogRecord()
        let chain = Middlewares()
        chain.use(
            Around { request, context, next in
                var context = context
                context.values[AccessLogRecord.Key.self] = record
                return try await next.handle(request, context: context)
            })
        chain.use(JWT(keys: .fixed(try Forge.keys()), options: .init(algorithms: Forge.allAlgorithms)))
        chain.use(echoSubject)
        try await chain.test { client in
            let response = try await client.execute(.get, "/", headers: bearer(Forge.valid("ed")))
            #expect(response.status == .ok)
        }
        #expect(record.fields["subject"] == "alice")
    }

    @Test("configuration mistakes are reported together when the chain is built")
    func configurationErrors() async throws {
        let key = try JWT.Key.hmac(secret: Forge.hmacSecret, algorithm: .hs256)
        let middleware = JWT(
            keys: .fixed([key]),
            options: .init(
                algorithms: [.rs256], leeway: .seconds(-1), maxTokenBytes: 10, realm: "a\"b", cachedTokens: -1))
        let error = await #expect(throws: ConfigurationError.self) {
            try await middleware.test { _ in }
        }
        let fields = error.map { "\($0)" } ?? ""
        for field in [
            "JWT.Options.leeway", "JWT.Options.maxTokenBytes", "JWT.Options.realm", "JWT.Options.cachedTokens",
            "JWT.Keys.fixed",
        ] {
            #expect(fields.contains(field), "\(field) missing from \(fields)")
        }
    }

    @Test("a key refuses an algorithm of another family, and a short HMAC secret")
    func keyFamilies() {
        #expect(throws: JWT.KeyError.self) { try JWT.Key.hmac(secret: Forge.hmacSecret, algorithm: .rs256) }
        #expect(throws: JWT.KeyError.self) { try JWT.Key.hmac(secret: Array("short".utf8)) }
        #expect(throws: JWT.KeyError.self) {
            try JWT.Key.rsa(pem: Forge.rsa.publicKey.pemRepresentation, algorithm: .hs256)
        }
        #expect(throws: JWT.KeyError.self) {
            try JWT.Key.ecdsa(pem: Forge.p256.publicKey.pemRepresentation, algorithm: .es384)
        }
        #expect(throws: JWT.KeyError.self) { try JWT.Key.ecdsa(pem: Forge.rsa.publicKey.pemRepresentation) }
    }
}
