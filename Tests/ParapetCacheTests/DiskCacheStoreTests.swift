import HTTPTypes
import NIOCore
import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache
@testable import ParapetCacheDisk

#if canImport(Glibc)
    import Glibc
#endif

@Suite("DiskCacheStore")
struct DiskCacheStoreTests {
    /// A fresh directory for one test, removed when it ends.
    func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        var template = Array("/tmp/parapet-disk-cache-XXXXXX".utf8CString)
        let path = try #require(
            template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        defer { _ = system("rm -rf '\(path)'") }
        return try await body(path)
    }

    let runtime = ChainTest().runtime

    func response(_ body: String, language: String? = nil, tags: [String] = []) -> CachedResponse {
        let request: HTTPFields = language.map { [.acceptLanguage: $0] } ?? [:]
        var fields: HTTPFields = [.cacheControl: "max-age=60", .contentType: "text/plain", .eTag: "\"v\""]
        if language != nil { fields[.vary] = "Accept-Language" }
        let age = ResponseAge(
            fields: [.age: "5"], requestSent: runtime.clock.now, responseReceived: runtime.clock.now,
            receivedAtWallTime: runtime.wallClock.now)
        return CachedResponse(
            status: .ok, headerFields: fields, control: CacheControl(fields), body: ByteBuffer(string: body), age: age,
            freshnessLifetime: .seconds(60), variant: Variant(vary: fields, request: request), tags: tags)
    }

    func files(in directory: String) throws -> [String] {
        try (0..<256).flatMap { shard in
            let name = (shard < 16 ? "0" : "") + String(shard, radix: 16)
            return try DiskFiles.names(in: "\(directory)/\(name)").map { "\(directory)/\(name)/\($0)" }
        }
    }

    @Test func aStoredResponseIsServedAgainAfterTheStoreIsReopened() async throws {
        try await withDirectory { directory in
            // One store at a time: the first is closed (released) before the directory is opened again.
            let storedBytes = try await {
                let first = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
                try await first.store(response("english", language: "en", tags: ["page", "en"]), for: "http://a/x")
                try await first.store(response("thai", language: "th"), for: "http://a/x")
                return first.storedBytes
            }()
            let reopened = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            #expect(reopened.count == 2)
            #expect(reopened.storedBytes == storedBytes)
            let found = try await reopened.response(for: "http://a/x", selectedBy: [.acceptLanguage: "en"])
            let english = try #require(found.response)
            #expect(String(buffer: english.body) == "english")
            #expect(english.headerFields == response("english", language: "en").headerFields)
            #expect(english.control == response("").control)
            #expect(english.tags == ["page", "en"])
            #expect(english.age.initial == .seconds(5))
            #expect(english.age.receivedAtWallTime == runtime.wallClock.now)
            #expect(english.freshnessLifetime == .seconds(60))
            #expect(english.variant == response("", language: "en").variant)
            let other = try await reopened.response(for: "http://a/x", selectedBy: [.acceptLanguage: "de"])
            #expect(other.response == nil)
            if case .otherVariants = other {} else { Issue.record("expected other variants, got \(other)") }
            if case .none = try await reopened.response(for: "http://a/y", selectedBy: [:]) {
            } else {
                Issue.record("expected nothing stored for another URL")
            }
        }
    }

    @Test func theLeastRecentlyUsedGoFirstAndTheirFilesWithThem() async throws {
        try await withDirectory { directory in
            let size = DiskEntryFile.encode(response("0123456789"), key: "http://a/0").readableBytes
            let store = try await DiskCacheStore(directory: directory, byteBudget: 3 * size, runtime: runtime)
            for key in 0..<3 { try await store.store(response("0123456789"), for: "http://a/\(key)") }
            _ = try await store.response(for: "http://a/0", selectedBy: [:])
            try await store.store(response("0123456789"), for: "http://a/3")
            #expect(try await store.response(for: "http://a/1", selectedBy: [:]).response == nil)
            #expect(try await store.response(for: "http://a/0", selectedBy: [:]).response != nil)
            #expect(store.storedBytes == 3 * size)
            #expect(try files(in: directory).count == 3)
            try await store.removeAll(for: "http://a/0")
            #expect(try files(in: directory).count == 2)
        }
    }

    @Test func tornAndForeignFilesAreDeletedAtStartAndNeverServed() async throws {
        try await withDirectory { directory in
            try await {
                let store = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
                for key in 0..<4 {
                    try await store.store(response(String(repeating: "b", count: 1000)), for: "http://a/\(key)")
                }
            }()
            let paths = try files(in: directory).sorted()
            #expect(paths.count == 4)
            // Cut one short, grow one, garble one's head; leave a file from a crash mid-write in tmp/.
            #expect(truncate(paths[0], 500) == 0)
            #expect(system("printf x >> '\(paths[1])'") == 0)
            #expect(system("printf XXXX | dd of='\(paths[2])' conv=notrunc status=none") == 0)
            #expect(
                system(
                    "printf junk > '\(directory)/.parapet-tmp/0000000000000099' && printf junk > '\(directory)/00/notanumber'"
                )
                    == 0)
            let reopened = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            #expect(reopened.count == 1)
            #expect(try files(in: directory) == [paths[3]])
            #expect(try DiskFiles.names(in: "\(directory)/.parapet-tmp").isEmpty)
            var served = 0
            for key in 0..<4 {
                if let hit = try await reopened.response(for: "http://a/\(key)", selectedBy: [:]).response {
                    #expect(hit.body.readableBytes == 1000)
                    served += 1
                }
            }
            #expect(served == 1)
        }
    }

    @Test func aFileCutShortWhileOpenIsAMissAndIsForgotten() async throws {
        try await withDirectory { directory in
            let store = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            try await store.store(response("a body long enough"), for: "http://a/x")
            let path = try #require(try files(in: directory).first)
            #expect(truncate(path, 20) == 0)
            #expect(try await store.response(for: "http://a/x", selectedBy: [:]).response == nil)
            #expect(store.count == 0)
            #expect(try files(in: directory).isEmpty)
        }
    }

    @Test func aSweepDeletesTheFilesOfWhatItForgets() async throws {
        try await withDirectory { directory in
            let store = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            try await store.store(response("keep", tags: ["keep"]), for: "http://a/1")
            try await store.store(response("drop", tags: ["drop"]), for: "http://a/2")
            let slice = try await store.sweep(from: 0, limit: 10) { _, response in response.tags == ["drop"] }
            #expect(slice == CacheSweep(removed: 1, next: nil))
            #expect(try files(in: directory).count == 1)
            #expect(try await store.response(for: "http://a/1", selectedBy: [:]).response != nil)
        }
    }

    @Test func aSecondStoreOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() async throws {
        try await withDirectory { directory in
            let first = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            await #expect(throws: DiskCacheError.self) {
                _ = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            }
            try await first.store(response("still mine"), for: "http://a/x")
            #expect(try await first.response(for: "http://a/x", selectedBy: [:]).response != nil)
        }
    }

    @Test func aFileSwappedForAnotherOfTheSameSizeIsNotServedForTheWrongKey() async throws {
        try await withDirectory { directory in
            let store = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            try await store.store(response("body A"), for: "http://a/1")
            try await store.store(response("body B"), for: "http://a/2")
            let paths = try files(in: directory).sorted()
            #expect(paths.count == 2)
            #expect(system("cp '\(paths[1])' '\(paths[0])'") == 0)
            #expect(try await store.response(for: "http://a/1", selectedBy: [:]).response == nil)
            let other = try await store.response(for: "http://a/2", selectedBy: [:]).response
            #expect(other.map { String(buffer: $0.body) } == "body B")
        }
    }

    @Test func directoriesLinksAndFIFOsInAShardAreLeftAloneAndTheStoreOpens() async throws {
        try await withDirectory { directory in
            try await {
                let store = try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
                try await store.store(response("kept"), for: "http://a/1")
            }()
            let shard = "\(directory)/01"
            #expect(system("mkdir '\(shard)/00000000000000a1' && mkfifo '\(shard)/00000000000000b1'") == 0)
            #expect(system("ln -s /etc/hostname '\(shard)/00000000000000c1'") == 0)
            let reopened = try await withTimeLimit(.seconds(30)) {
                try await DiskCacheStore(directory: directory, byteBudget: 1 << 20, runtime: runtime)
            }
            #expect(reopened.count == 1)
            #expect(try await reopened.response(for: "http://a/1", selectedBy: [:]).response != nil)
            #expect(try DiskFiles.names(in: shard).count == 4)
        }
    }

    @Test func concurrentWritesNeverTakeMoreThanTheBudgetOnDisk() async throws {
        try await withDirectory { directory in
            let size = DiskEntryFile.encode(response(String(repeating: "z", count: 4000)), key: "http://a/00")
                .readableBytes
            let store = try await DiskCacheStore(directory: directory, byteBudget: 3 * size, runtime: runtime)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in 10..<40 {
                    group.addTask {
                        try await store.store(response(String(repeating: "z", count: 4000)), for: "http://a/\(key)")
                    }
                }
                try await group.waitForAll()
            }
            #expect(store.storedBytes <= 3 * size)
            #expect(store.count >= 1)
            let onDisk = try files(in: directory).count
            #expect(onDisk == store.count)
        }
    }

    @Test func concurrentHitsOnOneResponseAllGetItsWholeBody() async throws {
        try await withDirectory { directory in
            let store = try await DiskCacheStore(directory: directory, byteBudget: 8 << 20, runtime: runtime)
            let body = String(repeating: "0123456789abcdef", count: 16_384)
            try await store.store(response(body), for: "http://a/hot")
            let bodies = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        try await store.response(for: "http://a/hot", selectedBy: [:]).response.map {
                            String(buffer: $0.body)
                        }
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(bodies.count == 64)
            #expect(bodies.allSatisfy { $0 == body })
        }
    }
}
