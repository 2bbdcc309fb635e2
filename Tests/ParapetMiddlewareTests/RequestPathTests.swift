import ParapetCore
import Testing

@testable import ParapetMiddleware

@Suite("RequestPath")
struct RequestPathTests {
    @Test func splitsThePathFromTheQuery() throws {
        #expect(RequestPath.split("/a?b=1?c") == ("/a", "b=1?c"))
        #expect(RequestPath.split("/a") == ("/a", nil))
        #expect(RequestPath.split("/a?") == ("/a", ""))
        #expect(try RequestPath.normalized("/a/%2E%2E/b?x", rules: .strict) == "/b")
        #expect(try RequestPath.normalized("*", rules: .strict) == nil)
        #expect(try RequestPath.normalized(nil, rules: .strict) == nil)
        #expect(throws: RequestPathRejection.encodedSlash) { try RequestPath.normalized("/a%2Fb", rules: .strict) }
    }

    @Test(arguments: [
        ("/a", "/a"), ("/a/", "/a/"), ("/caf\u{E9}", "/caf%C3%A9"), ("/caf%C3%A9", "/caf%C3%A9"), ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"), ("/a%2Fb", "/a%2Fb"), ("/a;b", "/a;b"),
    ])
    func configuredPathsAreComparedInNormalForm(path: String, expected: String) {
        #expect(RequestPath.configured(path) == expected[...])
    }

    @Test(arguments: ["", "a", "/a//b", "/a/./b", "/a/../b", "/a?x", "/a#x", "/%7Ea", "/%c3%a9", "/%zz", "/a/.."])
    func configuredPathsThatNoRequestCanHaveAreRefused(path: String) {
        #expect(RequestPath.configured(path) == nil)
    }
}
