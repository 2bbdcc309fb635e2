import HTTPTypes
import ParapetCore
import Testing

@testable import ParapetUpstream

@Suite("Request target rewriting")
struct UpstreamPathTests {
    @Test(
        "the path is forwarded in the normal form routing matched: dots resolved as if rooted, // merged",
        arguments: [
            ("/foo/../admin", "/admin"),
            ("/../../etc/passwd", "/etc/passwd"),
            ("/a/./b", "/a/b"),
            ("/a/b/", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("/a/b/../", "/a/"),
            ("/a/.", "/a/"),
            ("//a///b", "/a/b"),
            ("/", "/"),
            ("/..", "/"),
            ("/../", "/"),
            ("/a/%2e%2e/admin", "/admin"),
            ("/a/.%2E/admin", "/admin"),
            ("/a/%2e/b", "/a/b"),
            ("/a/...", "/a/..."),
            ("/a/..b", "/a/..b"),
            ("/caf%c3%a9/x", "/caf%C3%A9/x"),
            ("/%7euser", "/~user"),
            ("/a%252F..%252Fadmin", "/a%252F..%252Fadmin"),
        ])
    func normalizing(_ input: String, _ expected: String) throws {
        #expect(try UpstreamPath(validating: "/").rewrite(input, rules: .strict) == expected)
    }

    @Test("a target that is not a path is refused, as no route matched it; `*` goes under the prefix")
    func targetsThatAreNotPaths() throws {
        let path = try UpstreamPath(validating: "/api")
        // `*?` and `*?x` were forwarded as `/api/*` while the server's normaliser refused them (FuzzPathNormalizer).
        for target in ["", "a/b", "admin?x=1", "*?", "*?x=1"] {
            #expect(throws: RequestPathRejection.notOriginForm) { try path.rewrite(target, rules: .strict) }
        }
        #expect(try path.rewrite("*", rules: .strict) == "/api/*")
        #expect(try path.rewrite(nil, rules: .strict) == "/api/")
    }

    @Test("the query starts at the first ? byte, even when a combining mark follows it (found by fuzzing)")
    func queryMarkBeforeACombiningMark() throws {
        #expect(try UpstreamPath(validating: "/").rewrite("/a?\u{301}b", rules: .strict) == "/a?\u{301}b")
    }

    @Test("an encoded slash is refused, or kept as data inside its segment when the rules allow it")
    func encodedSlashes() throws {
        let path = try UpstreamPath(validating: "/api")
        #expect(throws: RequestPathRejection.encodedSlash) { try path.rewrite("/a%2F..%2Fadmin", rules: .strict) }
        let lenient = RequestPathRules(encodedSlashes: .keepAsData)
        #expect(try path.rewrite("/a%2f..%2Fadmin/..", rules: lenient) == "/api/")
        #expect(try path.rewrite("/a%2f..%2Fadmin", rules: lenient) == "/api/a%2F..%2Fadmin")
    }

    @Test(
        "the prefix and the path are joined with exactly one slash",
        arguments: [
            ("/", "/", "/"),
            ("/", "/users", "/users"),
            ("/prefix", "/path", "/prefix/path"),
            ("/prefix/", "/path", "/prefix/path"),
            ("/prefix", "/", "/prefix/"),
            ("/prefix/", "/", "/prefix/"),
            ("/prefix", "path", "/prefix/path"),
        ])
    func joining(_ prefix: String, _ path: String, _ expected: String) {
        #expect(UpstreamPath.joinWithSingleSlash(prefix, path) == expected)
    }

    @Test(
        "queries are merged with &, the target's first",
        arguments: [
            ("", "", ""),
            ("key=1", "", "key=1"),
            ("", "page=2", "page=2"),
            ("key=1", "page=2", "key=1&page=2"),
        ])
    func mergingQueries(_ target: String, _ client: String, _ expected: String) {
        #expect(UpstreamPath.mergeQueries(target, Substring(client)) == expected)
    }

    @Test(
        "a client target is cleaned, joined under the prefix and its query merged",
        arguments: [
            ("/", "/users?page=2", "/users?page=2"),
            ("/api", "/v1/../users?page=2", "/api/users?page=2"),
            ("/api?key=1", "/users?page=2", "/api/users?key=1&page=2"),
            ("/api?key=1", "/users", "/api/users?key=1"),
            ("/api/", "/../../etc/passwd", "/api/etc/passwd"),
            ("/api", "/dir/?", "/api/dir/"),
            ("/api", "/?a=/../b", "/api/?a=/../b"),
        ])
    func rewriting(_ path: String, _ client: String, _ expected: String) throws {
        #expect(try UpstreamPath(validating: path).rewrite(client, rules: .strict) == expected)
    }

    @Test("a request without a path is sent to the prefix")
    func missingPath() throws {
        #expect(try UpstreamPath(validating: "/api?k=v").rewrite(nil, rules: .strict) == "/api/?k=v")
    }

    @Test("the path option parses into prefix and query")
    func parsing() throws {
        let path = try UpstreamPath(validating: "/api%20v2?key=1&x")
        #expect(path.prefix == "/api%20v2")
        #expect(path.query == "key=1&x")
    }

    @Test(
        "a path option that is not an absolute path is rejected, naming path",
        arguments: ["", "api", "http://example.com/", "/a b", "/a#frag", "/caf\u{e9}", "/%zz", "/50%", "/a\n"])
    func invalidPaths(_ text: String) {
        #expect {
            try UpstreamPath(validating: text)
        } throws: { error in
            guard case ConfigurationError.invalidValue(let field, _) = error else { return false }
            return field == "path"
        }
    }
}
