import HTTPTypes
import ParapetCore
import Synchronization
import Testing

@testable import ParapetMiddleware

@Suite("CORS")
struct CORSTests {
    static let app = "https://app.example.com"
    static let restricted = CORS(
        allowedOrigins: .list([app, "https://admin.example.com"]), exposedHeaders: ["X-Request-Id", "X-Total"],
        allowsCredentials: true)

    /// A next handler that counts its calls and answers like an upstream with CORS and `Vary` fields of
    /// its own.
    final class CountingNext: Sendable {
        let calls = Atomic(0)
        var handler: Endpoint {
            Endpoint { [self] _, _ in
                calls.add(1, ordering: .relaxed)
                return Response(
                    status: .ok,
                    headerFields: [.vary: "Accept-Encoding", .accessControlAllowOrigin: "https://upstream.example"],
                    body: HTTPBody(string: "from next"))
            }
        }
        var count: Int { calls.load(ordering: .relaxed) }
    }

    static func request(_ method: HTTPRequest.Method, origin: String?, preflight: Bool = false) -> Request {
        var fields: HTTPFields = [:]
        fields[.origin] = origin
        if preflight {
            fields[.accessControlRequestMethod] = "PUT"
            fields[.accessControlRequestHeaders] = "content-type"
        }
        return MiddlewareHarness.request(method, "/api", fields: fields)
    }

    @Test(arguments: [
        (CORS(allowsCredentials: true), "allowsCredentials"),
        (CORS(allowedOrigins: .list([])), "allowedOrigins"),
        (CORS(allowedHeaders: ["Content Type"]), "allowedHeaders"),
        (CORS(exposedHeaders: ["X-Ok", ""]), "exposedHeaders"),
        (CORS(maxAge: .seconds(-1)), "maxAge"),
        (CORS(preflightStatus: .created), "preflightStatus"),
    ])
    func aBadPolicyFailsWhenTheChainIsBuiltNamingTheField(cors: CORS, field: String) {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try cors.wrap(Endpoint.notFound, in: MiddlewareHarness().environment)
        }
        guard case .invalidValue(let named, _) = error else {
            Issue.record("expected ConfigurationError.invalidValue, got \(String(describing: error))")
            return
        }
        #expect(named == field)
    }

    @Test func aPreflightIsAnsweredDirectlyWithThePolicy() async throws {
        let next = CountingNext()
        let response = try await MiddlewareHarness().send(
            Self.request(.options, origin: Self.app, preflight: true), through: CORS(), next: next.handler)
        #expect(next.count == 0)
        #expect(response.status == .noContent)
        #expect(response.headerFields[.accessControlAllowOrigin] == "*")
        #expect(response.headerFields[.accessControlAllowMethods] == "GET,POST,PUT,PATCH,DELETE")
        #expect(response.headerFields[.accessControlAllowHeaders] == "Authorization,Content-Type")
        #expect(response.headerFields[.accessControlMaxAge] == "3600")
        #expect(response.headerFields[.accessControlAllowCredentials] == nil)
        #expect(response.headerFields[.vary] == nil)
        #expect(try await response.text() == "")
    }

    @Test func aRestrictedPreflightEchoesTheOriginAllowsCredentialsAndVaries() async throws {
        var cors = Self.restricted
        cors.preflightStatus = .ok
        cors.maxAge = .milliseconds(90_500)
        let response = try await MiddlewareHarness().send(
            Self.request(.options, origin: Self.app, preflight: true), through: cors, next: CountingNext().handler)
        #expect(response.status == .ok)
        #expect(response.headerFields[.accessControlAllowOrigin] == Self.app)
        #expect(response.headerFields[.accessControlAllowCredentials] == "true")
        #expect(response.headerFields[.accessControlMaxAge] == "90")
        #expect(response.headerFields[.accessControlExposeHeaders] == nil)
        #expect(
            response.headerFields[values: .vary]
                == ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"])
    }

    @Test(arguments: [true, false])
    func aRejectedOriginIsForbiddenAndTheNextHandlerNeverRuns(preflight: Bool) async throws {
        let next = CountingNext()
        let request = Self.request(preflight ? .options : .post, origin: "https://evil.example", preflight: preflight)
        let response = try await MiddlewareHarness().send(request, through: Self.restricted, next: next.handler)
        #expect(next.count == 0)
        #expect(response.status == .forbidden)
        #expect(try await response.text() == "")
        #expect(response.headerFields[.accessControlAllowOrigin] == nil)
        #expect(response.headerFields[values: .vary] == ["Origin"])
    }

    @Test func anAllowedRequestIsMarkedAndVaryIsMergedNotReplaced() async throws {
        let next = CountingNext()
        let response = try await MiddlewareHarness().send(
            Self.request(.get, origin: Self.app), through: Self.restricted, next: next.handler)
        #expect(next.count == 1)
        #expect(try await response.text() == "from next")
        #expect(response.headerFields[values: .accessControlAllowOrigin] == [Self.app])
        #expect(response.headerFields[.accessControlAllowCredentials] == "true")
        #expect(response.headerFields[.accessControlExposeHeaders] == "X-Request-Id,X-Total")
        #expect(response.headerFields[values: .vary] == ["Accept-Encoding", "Origin"])
    }

    @Test func anOptionsRequestWithoutARequestMethodIsAnOrdinaryRequest() async throws {
        let next = CountingNext()
        let response = try await MiddlewareHarness().send(
            Self.request(.options, origin: Self.app), through: CORS(), next: next.handler)
        #expect(next.count == 1)
        #expect(response.status == .ok)
        #expect(response.headerFields[values: .accessControlAllowOrigin] == ["*"])
        #expect(response.headerFields[.accessControlAllowMethods] == nil)
        #expect(response.headerFields[values: .vary] == ["Accept-Encoding"])
    }

    @Test func aRequestWithoutAnOriginPassesThroughAndARestrictedPolicyStillVaries() async throws {
        let open = try await MiddlewareHarness().send(
            Self.request(.get, origin: nil), through: CORS(), next: CountingNext().handler)
        #expect(open.headerFields[values: .accessControlAllowOrigin] == ["https://upstream.example"])
        #expect(open.headerFields[values: .vary] == ["Accept-Encoding"])
        let restricted = try await MiddlewareHarness().send(
            Self.request(.get, origin: nil), through: Self.restricted, next: CountingNext().handler)
        #expect(restricted.headerFields[values: .vary] == ["Accept-Encoding", "Origin"])
        #expect(restricted.headerFields[.accessControlAllowCredentials] == nil)
    }

    @Test func aPredicateDecidesWhichOriginsAreAllowed() throws {
        let policy = try CORSPolicy(CORS(allowedOrigins: .matching { $0.hasSuffix(".example.com") }, maxAge: nil))
        #expect(
            policy.decide(Self.request(.get, origin: "https://x.example.com").head)
                == .allowed(allowOrigin: "https://x.example.com"))
        #expect(policy.decide(Self.request(.get, origin: "https://example.org").head) == .rejected)
        #expect(policy.decide(Self.request(.get, origin: "").head) == .notCrossOrigin)
        guard
            case .preflight(let fields) = policy.decide(
                Self.request(.options, origin: "https://x.example.com", preflight: true).head)
        else {
            Issue.record("not a preflight")
            return
        }
        #expect(fields[.accessControlMaxAge] == nil)
    }

    @Test(arguments: [
        (["Accept-Encoding"], ["Accept-Encoding", "Origin"]),
        (["accept-encoding, ORIGIN"], ["accept-encoding, ORIGIN"]),
        (["Accept-Encoding ,\torigin\t, gzip"], ["Accept-Encoding ,\torigin\t, gzip"]),
        (["*"], ["*"]),
        ([], ["Origin"]),
        (["Originator"], ["Originator", "Origin"]),
    ])
    func varyIsMergedCaseInsensitively(existing: [String], merged: [String]) {
        var fields = HTTPFields()
        fields[values: .vary] = existing
        fields.mergeVary("Origin")
        #expect(fields[values: .vary] == merged)
    }
}
