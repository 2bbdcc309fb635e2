import HTTPTypes
import ParapetCore
@testable import ParapetMiddleware
import Testing

@Suite("StripPrefix")
struct StripPrefixTests {
    @Test(arguments: [
        ("/api/users", "/users"),
        ("/api/users?page=2", "/users?page=2"),
        ("/api", "/"),
        ("/api?x=1", "/?x=1"),
        ("/apiary", "/ary"),
        ("/api%2Fusers", "/%2Fusers"),
    ])
    func stripsTheLiteralPrefix(path: String, expected: String) {
        #expect(StripPrefix.strip("/api", from: path) == expected)
    }

    @Test(arguments: [
        ("/x/../api/users", "next /users"), ("//api//users/.", "next /users/"), ("/%61pi/%7e", "next /~"),
        ("/api/..%2Fadmin", "Bad Request: the path holds an encoded slash or backslash (%2F, %5C) or a backslash\n"),
    ])
    func thePrefixIsStrippedFromThePathRoutingMatched(path: String, expected: String) async throws {
        let harness = MiddlewareHarness()
        let response = try await harness.send(MiddlewareHarness.request(.get, path), through: StripPrefix("/api"))
        #expect(try await response.text() == expected)
    }

    @Test func theNextHandlerSeesTheShortPathAndAMissingPrefixIsNotFound() async throws {
        let harness = MiddlewareHarness()
        let found = try await harness.send(MiddlewareHarness.request(.get, "/api/x?y=1"), through: StripPrefix("/api"))
        #expect(try await found.text() == "next /x?y=1")
        let missing = try await harness.send(MiddlewareHarness.request(.get, "/other"), through: StripPrefix("/api"))
        #expect(missing.status == .notFound)
    }
}
