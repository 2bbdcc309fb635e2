import HTTPTypes
import Logging
import ParapetCore
import ParapetSimulation
import Testing

@testable import ParapetMiddleware

@Suite("RequestID")
struct RequestIDTests {
    static let requestID = HTTPField.Name("X-Request-Id")!

    /// A next handler answering with the id it saw in the request field, the context and the logger
    /// metadata, and an id of its own in the response field (as an upstream echoing ids would).
    static let reporting = Endpoint { request, context in
        let seen = [
            request.headerFields[requestID] ?? "-", context.requestID ?? "-",
            context.logger[metadataKey: "request-id"].map { "\($0)" } ?? "-",
        ]
        return Response(
            status: .ok, headerFields: [requestID: "from-upstream"], body: HTTPBody(string: seen.joined(separator: " "))
        )
    }

    /// Sends `request` through `middleware` with a logger that keeps metadata.
    func send(_ request: Request, through middleware: RequestID, seed: UInt64 = 1) async throws -> Response {
        let harness = MiddlewareHarness(seed: seed)
        var context = harness.context
        context.logger = Logger(label: "test", factory: { StreamLogHandler.standardError(label: $0) })
        return try await middleware.wrap(Self.reporting, in: harness.environment).handle(request, context: context)
    }

    @Test(arguments: [
        ("abc", true), ("0123456789-_.:+=/ABCxyz", true), (String(repeating: "a", count: 128), true),
        ("", false), (String(repeating: "a", count: 129), false), ("a b", false), ("a,b", false),
        ("id\u{0}", false), ("id\r\nX-Injected: 1", false), ("é", false), ("a;b", false),
    ])
    func incomingIDsAreCheckedAgainstTheConservativeAlphabet(id: String, isValid: Bool) {
        #expect(RequestID.isValid(id) == isValid)
    }

    @Test func uuidTextCarriesVersionAndVariantBits() {
        #expect(RequestID.uuidV4(0, 0) == "00000000-0000-4000-8000-000000000000")
        #expect(RequestID.uuidV4(.max, .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(
            RequestID.uuidV4(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210) == "01234567-89ab-4def-bedc-ba9876543210")
    }

    @Test func aNewIDComesFromTheInjectedRandomSourceAndIsEverywhere() async throws {
        let source = Simulation(seed: 7).random.stream(named: "request-id")
        let expected = RequestID.uuidV4(source.next(), source.next())
        let response = try await send(MiddlewareHarness.request(), through: RequestID(), seed: 7)
        #expect(try await response.text() == "\(expected) \(expected) \(expected)")
        #expect(response.headerFields[values: Self.requestID] == [expected])
        let again = try await send(MiddlewareHarness.request(), through: RequestID(), seed: 7)
        #expect(again.headerFields[Self.requestID] == expected)
    }

    @Test func aValidIncomingIDIsKeptWhenTrusted() async throws {
        let request = MiddlewareHarness.request(fields: [Self.requestID: "edge-42:abc"])
        let response = try await send(request, through: RequestID())
        #expect(try await response.text() == "edge-42:abc edge-42:abc edge-42:abc")
        #expect(response.headerFields[values: Self.requestID] == ["edge-42:abc"])
    }

    @Test(arguments: [
        ([HTTPField(name: requestID, value: "edge-42")], false),
        ([HTTPField(name: requestID, value: "has space")], true),
        ([HTTPField(name: requestID, value: "a"), HTTPField(name: requestID, value: "b")], true),
    ])
    func anUntrustedOrInvalidIncomingIDIsReplaced(fields: [HTTPField], trusts: Bool) async throws {
        let request = MiddlewareHarness.request(fields: HTTPFields(fields))
        let response = try await send(request, through: RequestID(trustsIncoming: trusts))
        let id = try #require(response.headerFields[Self.requestID])
        #expect(id.utf8.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(try await response.text() == "\(id) \(id) \(id)")
    }

    @Test func theFieldNameIsConfigurableAndChecked() async throws {
        let trace = HTTPField.Name("X-Trace")!
        let response = try await send(
            MiddlewareHarness.request(fields: [trace: "t-1"]), through: RequestID(header: "x-trace"))
        #expect(response.headerFields[trace] == "t-1")
        #expect(response.headerFields[Self.requestID] == "from-upstream")
        #expect(throws: ConfigurationError.self) {
            _ = try RequestID(header: "X Trace").wrap(Endpoint.notFound, in: MiddlewareHarness().environment)
        }
    }
}
