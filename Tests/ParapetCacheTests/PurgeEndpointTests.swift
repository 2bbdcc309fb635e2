import Foundation
import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("PurgeEndpoint: PURGE and POST /.parapet/purge")
struct PurgeEndpointTests {
    static let token: HTTPFields = [.authorization: "Bearer secret"]
    /// The epoch of a purge at the start of a test: ChainTest's civil time starts on 2026-01-01.
    static let startEpoch = "1767225600000000000"

    /// The endpoint, a cache and a tagging origin, with `purges` between them.
    static func chain(_ purges: PurgeTable, purger: (any Purger)? = nil, options: PurgeEndpoint.Options = .init())
        -> Middlewares
    {
        let endpoint = PurgeEndpoint(purger: purger ?? purges, options: options) {
            $0.headerFields[.authorization] == "Bearer secret"
        }
        let cache = Cache(store: MemoryCacheStore(byteBudget: 1 << 20), options: .init(purges: purges))
        return Middlewares([endpoint, cache, CachePurgeTests.taggingOrigin().endpoint])
    }

    static func post(_ client: TestClient, _ json: String, headers: HTTPFields = token) async throws -> TestResponse {
        try await client.execute(.post, "/.parapet/purge", headers: headers, body: ByteBuffer(string: json))
    }

    @Test func purgeOnAURLPurgesItForTheRequestsHost() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges)) { client in
            _ = try await client.execute(.get, "/a?x=1", host: "Example.com:8080")
            _ = try await client.execute(.get, "/a")
            let purged = try await client.execute(.purge, "/a?x=1", host: "example.com", headers: Self.token)
            #expect(purged.status == .ok)
            #expect(purged.headerFields[.contentType] == "application/json")
            #expect(
                purged.text
                    == #"{"epoch":\#(Self.startEpoch),"purged":{"host":"example.com","path":"/a?x=1","purge":"url"}}"#)
            let again = try await client.execute(.get, "/a?x=1", host: "example.com:8080")
            #expect(again.headerFields[.cacheStatus]?.contains("hit") == false)
            #expect(try await client.execute(.get, "/a").headerFields[.cacheStatus]?.contains("hit") == true)
        }
    }

    @Test(arguments: [
        (#"{"purge":"all"}"#, #"{"purge":"all"}"#),
        (#"{"purge":"host","host":"Example.com"}"#, #"{"host":"Example.com","purge":"host"}"#),
        (#"{"path":"/a","purge":"url","host":"example.com"}"#, #"{"host":"example.com","path":"/a","purge":"url"}"#),
        (
            #"{"purge":"prefix","host":"example.com","path":"/"}"#,
            #"{"host":"example.com","path":"/","purge":"prefix"}"#
        ),
        (#"{"purge":"tag","tag":"a"}"#, #"{"purge":"tag","tag":"a"}"#),
    ])
    func aPostedScopeIsPurgedAndEchoed(body: String, echoed: String) async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges)) { client in
            let first = try await client.execute(.get, "/a")
            let purged = try await Self.post(client, body)
            #expect(purged.status == .ok)
            #expect(purged.text == #"{"epoch":\#(Self.startEpoch),"purged":\#(echoed)}"#)
            #expect(try await client.execute(.get, "/a").text != first.text)
        }
    }

    @Test func anUnauthorizedPurgeIsForbiddenAndPurgesNothing() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges)) { client in
            _ = try await client.execute(.get, "/a")
            let method = try await client.execute(.purge, "/a", headers: [.authorization: "Bearer guess"])
            #expect(method.status == .forbidden)
            #expect(method.text == #"{"error":"not allowed to purge"}"#)
            let posted = try await Self.post(client, #"{"purge":"all"}"#, headers: [:])
            #expect(posted.status == .forbidden)
            #expect(try await client.execute(.get, "/a").headerFields[.cacheStatus]?.contains("hit") == true)
        }
        #expect(purges.statistics.global == nil)
        #expect(purges.statistics.urlRecords == 0)
    }

    @Test(arguments: [
        ("purge everything", "the body is not a JSON object"),
        ("[]", "the body has the wrong type"),
        (#"{"host":"example.com"}"#, #""purge" is missing"#),
        (#"{"purge":"everything"}"#, #""purge": unknown purge "everything": expected all, host, url, prefix or tag"#),
        (#"{"purge":"url","host":"example.com"}"#, #""path" is missing"#),
        (#"{"purge":"url","host":"example.com","path":"a"}"#, #""path": a path starts with /, got "a""#),
        (#"{"purge":"url","host":"","path":"/a"}"#, #""host": a host is a name such as example.com, got """#),
        (#"{"purge":"host","host":"example.com/a"}"#, #""host": a host is a name such as example.com"#),
        (#"{"purge":"host","host":7}"#, #""host" has the wrong type"#),
        (#"{"purge":"prefix","host":"example.com","path":"/a?b=1"}"#, #""path": a prefix is a path, without a query"#),
        (#"{"purge":"tag","tag":""}"#, #""tag": a tag is 1 to 256 bytes"#),
        (#"{"purge":"tag","tag":" padded "}"#, #""tag": a tag is 1 to 256 bytes"#),
    ])
    func aBodyThatIsNotAScopeIsABadRequestNamingTheProblem(body: String, problem: String) async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges)) { client in
            let response = try await Self.post(client, body)
            #expect(response.status == .badRequest)
            let error = try JSONDecoder().decode([String: String].self, from: Data(response.text.utf8))["error"]
            #expect(error?.hasPrefix(problem) == true, "\(response.text)")
        }
        #expect(purges.statistics == .init(hostRecords: 0, urlRecords: 0, prefixRecords: 0, tagRecords: 0, folds: 0))
    }

    @Test func otherMethodsOversizedBodiesAndOtherPathsAreAnsweredAsSuch() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges, options: .init(maxBodySize: 64))) { client in
            let get = try await client.execute(.get, "/.parapet/purge?purge=all", headers: Self.token)
            #expect(get.status == .methodNotAllowed)
            #expect(get.headerFields[.allow] == "POST")
            let large = try await Self.post(client, #"{"purge":"tag","tag":"\#(String(repeating: "t", count: 64))"}"#)
            #expect(large.status == .contentTooLarge)
            let passed = try await client.execute(.post, "/.parapet/purged", headers: Self.token)
            #expect(passed.text == "answer 1")
        }
    }

    @Test func thePurgeMethodCanBeTurnedOff() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges, options: .init(acceptsPurgeMethod: false))) { client in
            let response = try await client.execute(.purge, "/a", headers: Self.token)
            #expect(response.text == "answer 1")
        }
        #expect(purges.statistics.urlRecords == 0)
    }

    struct Unpublished: Error, CustomStringConvertible {
        var description: String { "Redis is away" }
    }

    struct FailingPurger: Purger {
        func purge(_ scope: PurgeScope) async throws -> WallInstant { throw Unpublished() }
    }

    @Test func aPurgerThatFailsIsAnsweredServiceUnavailable() async throws {
        let test = ChainTest()
        let purges = PurgeTable(wallClock: test.runtime.wallClock)
        try await test.run(Self.chain(purges, purger: FailingPurger())) { client in
            let response = try await Self.post(client, #"{"purge":"all"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(response.text == #"{"error":"the purge failed: Redis is away"}"#)
        }
    }

    @Test(arguments: [PurgeEndpoint.Options(path: "purge"), .init(path: "/purge?x"), .init(maxBodySize: 0)])
    func nonsenseOptionsRefuseToBuild(options: PurgeEndpoint.Options) async throws {
        let purges = PurgeTable(wallClock: StoppedClock(now: WallInstant(secondsSinceEpoch: 1)))
        await #expect(throws: (any Error).self) {
            try await PurgeEndpoint(purger: purges, options: options) { _ in true }.test { _ in }
        }
    }
}
