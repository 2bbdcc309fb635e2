import ParapetCore
@testable import ParapetMiddleware
import Testing

@Suite("FileServer: paths, ranges, validators, media types")
struct FileServerPartsTests {
    @Test(arguments: [
        ("/", [String](), true),
        ("/a/b.txt", ["a", "b.txt"], false),
        ("/a/./b/../c?x=1", ["a", "c"], false),
        ("/a//b/", ["a", "b"], true),
        ("/caf%C3%A9.txt", ["café.txt"], false),
        ("/a/%2e%2e/b", ["b"], false),
    ])
    func pathsResolveUnderTheRoot(path: String, segments: [String], isDirectory: Bool) {
        let resolved = FileServerPath(requestPath: path)
        #expect(resolved?.segments == segments)
        #expect(resolved?.isDirectoryRequest == isDirectory)
    }

    @Test(arguments: [
        "/..", "/../etc/passwd", "/%2e%2e/etc/passwd", "/..%2fetc%2fpasswd", "/a/../../etc", "/a/%2E%2E/%2e%2e/x",
        "/a\\..\\..\\x", "/a%5c..%5cx", "/a%2fb", "/a%2Fb", "/a%00.txt", "/bad%zz", "/truncated%4", "/%ff%fe",
        "relative",
    ])
    func pathsThatCouldLeaveTheRootAreRefused(path: String) {
        #expect(FileServerPath(requestPath: path) == nil)
    }

    @Test(arguments: [
        (nil, ByteRangeRequest.whole),
        ("bytes=0-4", .partial(0...4)),
        ("bytes=5-", .partial(5...9)),
        ("bytes=-3", .partial(7...9)),
        ("bytes=-30", .partial(0...9)),
        ("bytes=8-100", .partial(8...9)),
        ("bytes=10-", .unsatisfiable),
        ("bytes=-0", .unsatisfiable),
        ("bytes=0-1,4-5", .whole),
        ("bytes=5-2", .whole),
        ("items=0-1", .whole),
        ("bytes=x-1", .whole),
        ("bytes=99999999999999999999-", .whole),
    ] as [(String?, ByteRangeRequest)])
    func rangesOfATenByteFile(field: String?, expected: ByteRangeRequest) {
        #expect(ByteRangeRequest(field: field, size: 10) == expected)
    }

    @Test func anEmptyFileHasNoSatisfiableRange() {
        #expect(ByteRangeRequest(field: "bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRangeRequest(field: "bytes=-5", size: 0) == .unsatisfiable)
    }

    @Test func conditionalRequests() {
        let file = FileValidators(modified: 784_111_777, size: 26)
        #expect(file.etag == "\"2ebc98a1-1a\"")
        #expect(file.lastModified == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(file.isNotModified(ifNoneMatch: "\"2ebc98a1-1a\"", ifModifiedSince: nil))
        #expect(file.isNotModified(ifNoneMatch: "\"x\", W/\"2ebc98a1-1a\"", ifModifiedSince: nil))
        #expect(file.isNotModified(ifNoneMatch: "*", ifModifiedSince: nil))
        #expect(!file.isNotModified(ifNoneMatch: "\"other\"", ifModifiedSince: "Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(file.isNotModified(ifNoneMatch: nil, ifModifiedSince: "Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(!file.isNotModified(ifNoneMatch: nil, ifModifiedSince: "Sun, 06 Nov 1994 08:49:36 GMT"))
        #expect(!file.isNotModified(ifNoneMatch: nil, ifModifiedSince: "yesterday"))
        #expect(file.allowsRange(ifRange: nil))
        #expect(file.allowsRange(ifRange: "\"2ebc98a1-1a\""))
        #expect(!file.allowsRange(ifRange: "W/\"2ebc98a1-1a\""))
        #expect(file.allowsRange(ifRange: "Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(!file.allowsRange(ifRange: "Sun, 06 Nov 1994 08:49:38 GMT"))
    }

    @Test func mediaTypes() {
        #expect(MediaTypes.contentType(forFileNamed: "/srv/INDEX.HTML") == "text/html; charset=utf-8")
        #expect(MediaTypes.contentType(forFileNamed: "app.min.js") == "text/javascript; charset=utf-8")
        #expect(MediaTypes.contentType(forFileNamed: "font.woff2") == "font/woff2")
        #expect(MediaTypes.contentType(forFileNamed: ".bashrc") == "application/octet-stream")
        #expect(MediaTypes.contentType(forFileNamed: "README") == "application/octet-stream")
    }

    @Test func listingsEscapeNames() {
        #expect(HTMLEscaping.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        // A quote that a combining mark follows is one Character, but still a quote (found in review).
        #expect(HTMLEscaping.escape("\"\u{301} x") == "&quot;\u{301} x")
        #expect(DirectoryListing.percentEncoded("a b/é?#.txt") == "a%20b/%C3%A9%3F%23.txt")
    }
}
