import Foundation
import NIOCore
import Parapet
import ParapetSimulation
import ParapetTestSupport
import ParapetTesting
import Testing

/// `FileServer` used as documented — files, then a fallback — under the traffic that used to kill the
/// process: thousands of ordinary GETs on fresh connections whose client hangs up right after the last
/// byte, and large downloads aborted anywhere. The server must stay up and give back every descriptor.
@Suite("FileServer endurance on a real socket", .serialized, .cpuHeavy)
struct FileServerEnduranceTests {
    static let largeLength = 5 << 20

    /// A site with the usual small files plus a 5 MiB one.
    static func site() throws -> TemporarySite {
        let site = try TemporarySite()
        try Data(repeating: 0x5A, count: largeLength).write(to: site.root.appendingPathComponent("large.bin"))
        return site
    }

    func withFileServer(_ site: TemporarySite, _ body: (NetworkAddress) async throws -> Void) async throws {
        try await withLoopbackServer({ server in
            server.use(FileServer(root: site.root.path))
            server.use(Endpoint { _, _ in .error(.notFound) })
        }) { address in try await body(address) }
    }

    /// The server's descriptors once they settle to `expected` (connections the client closed are closed by
    /// the server a moment later, and `/proc/self/net/tcp`, read while other tests open and close sockets, can
    /// miss a line), or what they are after ten seconds.
    func settledDescriptors(_ site: TemporarySite, port: UInt16, expected: ServerDescriptors) async throws
        -> ServerDescriptors
    {
        let root = FileServer(root: site.root.path).root
        var current = try ServerDescriptors(filesUnder: root, port: port)
        for _ in 0..<200 where current != expected {
            try await Task.sleep(for: .milliseconds(50))
            current = try ServerDescriptors(filesUnder: root, port: port)
        }
        return current
    }

    @Test func tenThousandGETsOnFreshConnectionsAndAThousandAbortedDownloads() async throws {
        let site = try Self.site()
        defer { site.remove() }
        try await withFileServer(site) { address in
            let port = try #require(address.port)
            let listenerOnly = ServerDescriptors(files: 0, sockets: 1)
            let before = try await settledDescriptors(site, port: port, expected: listenerOnly)
            #expect(before == listenerOnly)

            // Every 10th GET fetches a file of several 64 KiB chunks, the rest a one-chunk file; the
            // client closes as soon as the last byte is in, as curl does.
            let fetched = try await withTimeLimit(.seconds(240)) {
                try await sumConcurrently(over: 0..<10_000, concurrency: 8) { index in
                    let (path, length) = index % 10 == 0 ? ("/big.bin", 300_000) : ("/hello.txt", 13)
                    let response = try await RawDownload.get(path, from: address)
                    return response.status == 200 && response.bodyLength == length ? 1 : 0
                }
            }
            #expect(fetched == 10_000)

            // Downloads of the 5 MiB file cut off after a seeded random number of bytes (some after the
            // whole response: the client then closes right after the last byte).
            var generator = Xoshiro256StarStar(seed: 12)
            let cutoffs = (0..<1_000).map { _ in Int.random(in: 0...(Self.largeLength + 400), using: &generator) }
            let aborted = try await withTimeLimit(.seconds(240)) {
                try await sumConcurrently(over: cutoffs, concurrency: 8) { cutoff in
                    let response = try await RawDownload.get("/large.bin", from: address, cutoff: cutoff)
                    return response.bodyLength <= Self.largeLength ? 1 : 0
                }
            }
            #expect(aborted == 1_000)

            let after = try await settledDescriptors(site, port: port, expected: before)
            #expect(after == before, "descriptors before: \(before), after: \(after)")
            // Still serving.
            let last = try await RawDownload.get("/large.bin", from: address)
            #expect(last.status == 200 && last.bodyLength == Self.largeLength)
        }
    }

    /// The exact moment that used to trap: the body's task is cancelled after the last chunk was read,
    /// and the iterator then finds the end and closes the file.
    @Test func aBodyEndingInACancelledTaskClosesItsFile() async throws {
        let site = try Self.site()
        defer { site.remove() }
        let root = FileServer(root: site.root.path).root
        let server = FileServer(root: site.root.path)
        let response = try await MiddlewareHarness().send(MiddlewareHarness.request(.get, "/big.bin"), through: server)
        let body = response.body
        let task = Task {
            var iterator = body.makeAsyncIterator()
            var length = 0
            while length < 300_000, let chunk = try await iterator.next() { length += chunk.readableBytes }
            withUnsafeCurrentTask { $0?.cancel() }
            let end = try await iterator.next()
            return (length, end == nil)
        }
        let (length, ended) = try await task.value
        #expect(length == 300_000 && ended)
        #expect(try ServerDescriptors(filesUnder: root, port: 0).files == 0)
    }
}

/// Runs `body` for each element with at most `concurrency` at once and returns the sum of what it returned.
func sumConcurrently<Elements: Collection & Sendable>(
    over elements: Elements, concurrency: Int, _ body: @escaping @Sendable (Elements.Element) async throws -> Int
) async throws -> Int where Elements.Element: Sendable {
    try await withThrowingTaskGroup(of: Int.self) { group in
        var total = 0
        var pending = elements.makeIterator()
        for _ in 0..<concurrency {
            guard let element = pending.next() else { break }
            group.addTask { try await body(element) }
        }
        while let result = try await group.next() {
            total += result
            if let element = pending.next() { group.addTask { try await body(element) } }
        }
        return total
    }
}

/// A minimal HTTP/1.1 client on a fresh connection that counts body bytes instead of keeping them.
enum RawDownload {
    struct Result {
        var status: Int
        var bodyLength: Int
    }

    /// `GET path` with keep-alive; reads the response to its `Content-Length` — or only its first
    /// `cutoff` bytes, head included — then closes at once. Closing with bytes still in flight resets the
    /// connection, as a client that gives up does.
    static func get(_ path: String, from address: NetworkAddress, cutoff: Int = .max) async throws -> Result {
        let connection = try await TestConnection.open(to: address, timeout: .seconds(10))
        do {
            let result = try await exchange(path, on: connection, cutoff: cutoff)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func exchange(_ path: String, on connection: TestConnection, cutoff: Int) async throws
        -> Result
    {
        try await connection.write(ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: files.test\r\n\r\n"))
        var head: [UInt8] = []
        var bodyLength = 0
        while true {
            guard head.count < cutoff else { return Result(status: 0, bodyLength: 0) }
            guard let chunk = try await connection.read() else { throw LoopbackError.truncated }
            head += chunk.readableBytesView
            if let end = head.firstRange(of: [13, 10, 13, 10]) {
                bodyLength = head.count - end.upperBound
                head.removeSubrange(end.upperBound...)
                break
            }
        }
        let text = String(decoding: head, as: UTF8.self).lowercased()
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let length =
            text.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
        while bodyLength < length, head.count + bodyLength < cutoff {
            guard let chunk = try await connection.read() else { throw LoopbackError.truncated }
            bodyLength += chunk.readableBytes
        }
        return Result(status: status, bodyLength: bodyLength)
    }
}

extension NetworkAddress {
    /// The TCP port, when this is an IP endpoint.
    var port: UInt16? {
        if case .ip(_, let port) = self { return port }
        return nil
    }
}
