import ParapetCore
import Testing

@Suite("RequestPathRules")
struct RequestPathRulesTests {
    static let lenient = RequestPathRules(encodedSlashes: .keepAsData, semicolons: .keepAsData)

    @Test(arguments: [
        ("/", "/"), ("/a/b", "/a/b"), ("/a/b/", "/a/b/"), ("//a", "/a"), ("/a//b", "/a/b"), ("//", "/"),
        ("/a/./b", "/a/b"), ("/a/../b", "/b"), ("/../../a", "/a"), ("/a/.", "/a/"), ("/a/..", "/"),
        ("/a/b/..", "/a/"), ("/..", "/"), ("/a/...", "/a/..."), ("/a../b", "/a../b"), ("/.hidden", "/.hidden"),
        ("/%61%62", "/ab"), ("/%2e%2E/a", "/a"), ("/a/.%2e/b", "/b"), ("/%7e%5F%2D", "/~_-"),
        ("/caf%c3%a9", "/caf%C3%A9"), ("/%3f%23", "/%3F%23"), ("/%252F", "/%252F"), ("/%25", "/%25"),
        ("/a b", "/a%20b"), ("/\"{|}^`", "/%22%7B%7C%7D%5E%60"), ("/caf\u{E9}", "/caf%C3%A9"), ("/[x]", "/%5Bx%5D"),
        ("/!$&'()*+,=:@", "/!$&'()*+,=:@"), ("/%21", "/%21"), ("/admin.", "/admin."), ("/%E0%A4%85", "/%E0%A4%85"),
        ("", "/"), ("a/b", "/a/b"), ("/\u{65E}/x.", "/%D9%9E/x."), ("/a?\u{301}", "/a%3F%CC%81"),
    ])
    func normalizesLikeRFC3986DecodingOnlyUnreservedCharacters(path: String, expected: String) throws {
        let normal = try RequestPathRules.strict.normalizedPath(path[...])
        #expect(normal == expected)
        #expect(try RequestPathRules.strict.normalizedPath(normal) == normal, "not idempotent")
    }

    @Test(arguments: [
        ("/a%2Fb", RequestPathRejection.encodedSlash, "/a%2Fb"), ("/a%2fb", .encodedSlash, "/a%2Fb"),
        ("/a%5cb", .encodedSlash, "/a%5Cb"), ("/a\\b", .encodedSlash, "/a%5Cb"),
        ("/a/..%2F", .encodedSlash, "/a/..%2F"), ("/a;b=c", .semicolon, "/a;b=c"), ("/a;", .semicolon, "/a;"),
    ])
    func ambiguousSpellingsAreRefusedOrKeptAsData(path: String, rejection: RequestPathRejection, asData: String) throws
    {
        #expect(throws: rejection) { try RequestPathRules.strict.normalizedPath(path[...]) }
        #expect(try Self.lenient.normalizedPath(path[...]) == asData)
    }

    @Test(arguments: [
        ("/a%00", RequestPathRejection.nul), ("/a\u{0}", .nul), ("/%zz", .invalidEscape), ("/a%4", .invalidEscape),
        ("/a%", .invalidEscape), ("/%C0%AF", .overlongUTF8), ("/%c1%9c", .overlongUTF8), ("/%E0%80%AE", .overlongUTF8),
        ("/%F0%80%80%AF", .overlongUTF8), ("/x/..;/a", .dotSegmentWithParameters),
        ("/x/.;a/b", .dotSegmentWithParameters),
        ("/%2e%2e;x", .dotSegmentWithParameters),
    ])
    func whatNoServerReadsAlikeIsAlwaysRefused(path: String, rejection: RequestPathRejection) {
        #expect(throws: rejection) { try Self.lenient.normalizedPath(path[...]) }
    }

    @Test func theQueryAndTheAsteriskAreUntouched() throws {
        #expect(try RequestPathRules.strict.normalizedTarget("//a/%2e%2e/b%7e?x=%2F&y=/../") == "/b~?x=%2F&y=/../")
        #expect(try RequestPathRules.strict.normalizedTarget("/a?") == "/a?")
        #expect(try RequestPathRules.strict.normalizedTarget("*") == "*")
        #expect(throws: RequestPathRejection.encodedSlash) {
            try RequestPathRules.strict.normalizedTarget("/admin/..%2F?x")
        }
    }

    /// HTTP/2 lets a client send any `:path`; one without a leading `/` would match no `Location` yet reach
    /// the origin as a path.
    @Test(arguments: ["admin", "x/../admin", "admin?x=1", "example.com:443", "", "**"])
    func aTargetThatIsNotAPathIsRefused(target: String) {
        #expect(throws: RequestPathRejection.notOriginForm) { try RequestPathRules.strict.normalizedTarget(target) }
        #expect(throws: RequestPathRejection.notOriginForm) { try Self.lenient.normalizedTarget(target) }
    }

    @Test func aNormalPathIsReturnedWithoutACopy() throws {
        let target = "/a/b/c.txt"
        let normal = try RequestPathRules.strict.normalizedPath(target[...])
        #expect(normal.startIndex == target.startIndex && normal.endIndex == target.endIndex)
    }

    @Test func everyProfileIsStrictByDefault() {
        #expect(ServerConfiguration.general.pathRules == .strict)
        #expect(ServerConfiguration.frontend.pathRules == .strict)
        #expect(ServerConfiguration.backend.pathRules == .strict)
        #expect(RequestPathRules() == .strict)
    }
}
