import Foundation
import HTTPTypes
import NIOCore
import Parapet
import ParapetSimulation
import ParapetTesting
import ParapetTestSupport
import Testing

/// The objects the crash test's origin serves: `/obj/N` is `size(N)` bytes that no other object shares,
/// cacheable for an hour and sent in 16 KiB chunks with a pause between them, so that a kill lands in
/// the middle of fills.
enum CrashTestObjects {
    static let count = 32
    static let chunk = 16 << 10

    static func size(_ number: Int) -> Int { chunk * (1 + (number * 37) % 64) }

    /// Every object's bytes, made once.
    static let all: [ByteBuffer] = (0..<count).map { number in
        ByteBuffer(bytes: (0..<size(number)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ number &* 101 &+ $0 >> 9) })
    }

    static func origin() throws -> Server {
        let server = try loopbackServer()
        server.use(
            Endpoint { request, _ in
                guard let number = request.path?.split(separator: "/").last.flatMap({ Int($0) }),
                    (0..<count).contains(number)
                else { return .error(.notFound) }
                return Response(
                    status: .ok, headerFields: [.cacheControl: "max-age=3600"],
                    body: HTTPBody(
                        stream: PacedChunks(whole: all[number], pause: .microseconds(200)), length: size(number)))
            })
        return server
    }
}

@Suite("Disk cache store: crash safety")
struct DiskCacheCrashTests {
    /// Runs `parapet-test-proxy` with a disk cache in `directory` in front of `origin`.
    func withCachingProxy<T>(
        to origin: NetworkAddress, directory: String, budget: Int,
        _ body: (_ proxy: NetworkAddress, _ pid: Int32) async throws -> T
    ) async throws -> T {
        let port = try await freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtExecutable("parapet-test-proxy"))
        process.arguments = ["\(port)", "\(origin)", "--cache", "disk:\(directory)", "--cache-budget", "\(budget)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let address = NetworkAddress.ip(.v4(0x7F00_0001), port: UInt16(clamping: port))
        try await withTimeLimit(.seconds(30)) {
            while await isRefused(address) { try await Task.sleep(for: .milliseconds(10)) }
        }
        return try await body(address, process.processIdentifier)
    }

    /// Asks `proxy` for object `number` by a name that stays the same across restarts (the cache key
    /// holds the authority, and each run of the proxy listens on another port).
    func object(_ number: Int, from proxy: NetworkAddress, with client: HTTPClientTransport) async throws
        -> (status: HTTPResponse.Status, cacheStatus: String?, body: ByteBuffer)
    {
        let head = HTTPRequest(method: .get, scheme: "http", authority: "objects.test", path: "/obj/\(number)")
        let response = try await client.roundTrip(
            UpstreamRequest(head: head, body: .empty, target: "\(proxy)"), context: testContext
        ).response
        return (response.status, response.headerFields[.cacheStatus], try await response.body.collect(upTo: 2 << 20))
    }

    /// The bytes of the files under `directory`.
    func bytesOnDisk(_ directory: String) throws -> Int {
        let files = FileManager.default.enumerator(atPath: directory)
        var total = 0
        while let name = files?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(directory)/\(name)")
            if attributes[.type] as? FileAttributeType == .typeRegular { total += (attributes[.size] as? Int) ?? 0 }
        }
        return total
    }

    @Test(.timeLimit(.minutes(5)))
    func killingTheProxyDuringFillsNeverLeavesATruncatedOrMismatchedResponse() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parapet-crash-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let budget = 8 << 20
        let expected = CrashTestObjects.all
        var random = SplitMix64(seed: 14)
        var hitsAfterRestart = 0
        var cutByKill = 0
        try await withRunningServer(try CrashTestObjects.origin()) { origin in
            for round in 0..<100 {
                let client = HTTPClientTransport()
                try await withCachingProxy(to: origin, directory: directory, budget: budget) { proxy, pid in
                    // Opening the store deleted what the last kill left half-written or not yet deleted.
                    #expect(try bytesOnDisk(directory) <= budget, "round \(round)")
                    // Whatever the last kill left, every answer is whole and right: from disk or refetched.
                    for number in (0..<CrashTestObjects.count).shuffled(using: &random).prefix(12) {
                        let response = try await object(number, from: proxy, with: client)
                        #expect(response.status == .ok)
                        #expect(response.body == expected[number], "round \(round): /obj/\(number) came back wrong")
                        if response.cacheStatus?.contains("; hit") == true { hitsAfterRestart += 1 }
                    }
                    // Six clients fill concurrently until the proxy is killed at a random instant.
                    let killAfter = Duration.microseconds(Int64(random.next() % 150_000))
                    let orders = (0..<6).map { _ in
                        (0..<8).map { _ in Int(random.next() % UInt64(CrashTestObjects.count)) }
                    }
                    let cut = try await withThrowingTaskGroup(of: Int.self) { group in
                        for order in orders {
                            group.addTask {
                                var cut = 0
                                for number in order {
                                    do {
                                        let response = try await object(number, from: proxy, with: client)
                                        // A response the client saw complete is right, even in the kill's path.
                                        #expect(
                                            response.body == expected[number],
                                            "round \(round): /obj/\(number) came back wrong")
                                    } catch {
                                        cut += 1
                                    }
                                }
                                return cut
                            }
                        }
                        try await Task.sleep(for: killAfter)
                        kill(pid, SIGKILL)
                        return try await group.reduce(0, +)
                    }
                    cutByKill += cut
                }
                await client.shutdown()
            }
        }
        // The test means something only if the store served from disk across restarts, and kills cut fills.
        #expect(hitsAfterRestart > 200)
        #expect(cutByKill > 100)
    }
}
