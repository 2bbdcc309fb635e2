import Foundation
import HTTPTypes
import NIOCore
import Parapet
import Testing

/// A temporary site: files, a subdirectory with an index, an empty directory, and symbolic links that
/// point outside the root.
struct TemporarySite {
    let root: URL
    let outside: URL

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("parapet-site-\(UUID().uuidString)")
        root = base.appendingPathComponent("www")
        outside = base.appendingPathComponent("private")
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try manager.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try manager.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("hello, world\n".utf8).write(to: root.appendingPathComponent("hello.txt"))
        try Data("<h1>docs</h1>".utf8).write(to: root.appendingPathComponent("docs/index.html"))
        try Data(repeating: 7, count: 300_000).write(to: root.appendingPathComponent("big.bin"))
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        try Data("secret".utf8).write(to: root.deletingLastPathComponent().appendingPathComponent("secret.txt"))
        try manager.createSymbolicLink(
            at: root.appendingPathComponent("leak.txt"), withDestinationURL: outside.appendingPathComponent("secret.txt"))
        try manager.createSymbolicLink(at: root.appendingPathComponent("leakdir"), withDestinationURL: outside)
        try manager.createSymbolicLink(
            at: root.appendingPathComponent("alias.txt"), withDestinationURL: root.appendingPathComponent("hello.txt"))
    }

    func remove() {
        try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
    }
}

@Suite("FileServer")
struct FileServerTests {
    let harness = MiddlewareHarness()

    func get(
        _ path: String, _ method: HTTPRequest.Method = .get, fields: HTTPFields = [:], site: TemporarySite,
        options: FileServer.Options = .init()
    ) async throws -> Response {
        let server = FileServer(root: site.root.path, options: options)
        return try await harness.send(MiddlewareHarness.request(method, path, fields: fields), through: server)
    }

    @Test func servesAFileWithItsValidators() async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let response = try await get("/hello.txt", site: site)
        #expect(response.status == .ok)
        #expect(response.headerFields[.contentType] == "text/plain; charset=utf-8")
        #expect(response.headerFields[.eTag]?.hasPrefix("\"") == true)
        #expect(response.headerFields[.lastModified]?.hasSuffix(" GMT") == true)
        #expect(response.headerFields[.acceptRanges] == "bytes")
        #expect(response.body.knownLength == 13)
        #expect(try await response.text() == "hello, world\n")

        let head = try await get("/hello.txt", .head, site: site)
        #expect(head.headerFields[.contentLength] == "13")
        #expect(head.body.isKnownEmpty)

        let big = try await get("/big.bin", site: site)
        #expect(try await big.body.collect(upTo: 1 << 20).readableBytes == 300_000)
    }

    @Test func conditionalAndRangeRequests() async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let first = try await get("/hello.txt", site: site)
        let etag = try #require(first.headerFields[.eTag])
        let modified = try #require(first.headerFields[.lastModified])
        #expect(try await get("/hello.txt", fields: [.ifNoneMatch: etag], site: site).status == .notModified)
        #expect(try await get("/hello.txt", fields: [.ifModifiedSince: modified], site: site).status == .notModified)
        #expect(try await get("/hello.txt", fields: [.ifNoneMatch: "\"stale\""], site: site).status == .ok)

        let part = try await get("/hello.txt", fields: [.range: "bytes=7-11"], site: site)
        #expect(part.status == .partialContent)
        #expect(part.headerFields[.contentRange] == "bytes 7-11/13")
        #expect(try await part.text() == "world")
        let suffix = try await get("/big.bin", fields: [.range: "bytes=-70000"], site: site)
        #expect(try await suffix.body.collect(upTo: 1 << 20).readableBytes == 70_000)
        let outOfRange = try await get("/hello.txt", fields: [.range: "bytes=13-"], site: site)
        #expect(outOfRange.status == .rangeNotSatisfiable)
        #expect(outOfRange.headerFields[.contentRange] == "bytes */13")
        let staleIfRange = try await get("/hello.txt", fields: [.range: "bytes=0-1", .ifRange: "\"stale\""], site: site)
        #expect(staleIfRange.status == .ok)
        #expect(try await staleIfRange.text() == "hello, world\n")
    }

    @Test func directoriesIndexesAndListings() async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let redirect = try await get("/docs?lang=en", site: site)
        #expect(redirect.status == .movedPermanently)
        #expect(redirect.headerFields[.location] == "/docs/?lang=en")
        #expect(try await get("/docs/", site: site).text() == "<h1>docs</h1>")
        #expect(try await get("/empty/", site: site).text() == "next /empty/")
        #expect(try await get("/missing.txt", site: site).text() == "next /missing.txt")
        #expect(try await get("/hello.txt", .post, site: site).text() == "next /hello.txt")
        let listing = try await get("/", site: site, options: .init(indexFiles: [], listsDirectories: true))
        let page = try await listing.text()
        #expect(page.contains("<a href=\"docs/\">docs/</a>"))
        #expect(page.contains("<a href=\"hello.txt\">hello.txt</a>"))
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/docs/..%2f..%2fsecret.txt", "/docs\\..\\..\\secret.txt",
        "/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/hello.txt%00.html",
    ])
    func nothingOutsideTheRootIsServed(path: String) async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        let response = try await get(path, site: site, options: .init(listsDirectories: true))
        #expect(try await response.text().hasPrefix("next "))
    }

    @Test func aSymbolicLinkInsideTheRootIsServed() async throws {
        let site = try TemporarySite()
        defer { site.remove() }
        #expect(try await get("/alias.txt", site: site).text() == "hello, world\n")
    }

    @Test func aMissingRootIsAConfigurationError() throws {
        let error = #expect(throws: ChainBuildError.self) {
            try Middlewares([FileServer(root: "/no/such/dir")]).wrap(Endpoint.notFound, in: harness.environment)
        }
        #expect(error?.problems.count == 1)
        let problem = try #require(error?.problems.first)
        #expect(problem.path == ["FileServer"])
        #expect(problem.error as? FileServerError == .rootNotADirectory("/no/such/dir"))
    }
}
