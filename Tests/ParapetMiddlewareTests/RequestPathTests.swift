import Testing

@testable import ParapetMiddleware

@Suite("RequestPath")
struct RequestPathTests {
    @Test(arguments: [
        ("/a%20b", "/a b"), ("/%2e%2E", "/.."), ("/a%2Fb", "/a/b"), ("/plain", "/plain"), ("/bad%zz%4", "/bad%zz%4"),
        ("/%E2%9C%93", "/✓"), ("/100%", "/100%"),
    ])
    func decodesValidEscapesAndKeepsInvalidOnes(path: String, expected: String) {
        #expect(RequestPath.decoded(path[...]) == expected)
    }

    @Test(arguments: [
        ("/", "/"), ("/a/b", "/a/b"), ("/a/b/", "/a/b/"), ("//a", "/a"), ("/a//b", "/a/b"), ("/a/./b", "/a/b"),
        ("/a/../b", "/b"), ("/../../a", "/a"), ("/a/.", "/a/"), ("/a/..", "/"), ("/a/b/..", "/a/"), ("/..", "/"),
        ("/a/...", "/a/..."), ("/a../b", "/a../b"), ("/.hidden", "/.hidden"), ("//", "/"),
    ])
    func cleansLikeRFC3986(path: String, expected: String) {
        #expect(RequestPath.cleaned(path[...]) == expected)
        #expect(RequestPath.isClean(path[...]) == (path == expected))
    }

    @Test func splitsThePathFromTheQuery() {
        #expect(RequestPath.split("/a?b=1?c") == ("/a", "b=1?c"))
        #expect(RequestPath.split("/a") == ("/a", nil))
        #expect(RequestPath.split("/a?") == ("/a", ""))
        #expect(RequestPath.normalized("/a/%2E%2E/b?x") == "/b")
        #expect(RequestPath.normalized("*") == nil)
        #expect(RequestPath.normalized(nil) == nil)
    }

    @Test(arguments: [
        ("/a b", "/a%20b"), ("/a?b#c", "/a%3Fb%23c"), ("/ok-._~!$&'()*+,;=:@/", "/ok-._~!$&'()*+,;=:@/"),
        ("/✓", "/%E2%9C%93"), ("/100%", "/100%25"),
    ])
    func encodesWhatCannotStandInAPath(path: String, expected: String) {
        #expect(RequestPath.encoded(path[...]) == expected)
    }
}
