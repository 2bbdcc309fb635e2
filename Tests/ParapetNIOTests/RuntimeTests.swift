import NIOCore
import Parapet
import ParapetTestSupport
import Synchronization
import Testing

@Suite("Production runtime seams", .timingSensitive)
struct RuntimeTests {
    @Test func resolverFindsLoopbackAndLiterals() async throws {
        let resolver = SystemResolver()
        let localhost = try await resolver.resolve(host: "localhost", port: 80)
        #expect(localhost.contains { $0.ipAddress == IPAddress("127.0.0.1") || $0.ipAddress == IPAddress("::1") })
        #expect(try await resolver.resolve(host: "[::1]", port: 443) == [.ip(IPAddress("::1")!, port: 443)])
        #expect(try await resolver.resolve(host: "10.1.2.3", port: 1) == [.ip(IPAddress("10.1.2.3")!, port: 1)])
        await #expect(throws: ResolutionError.self) { try await resolver.resolve(host: "no-such-host.invalid", port: 1) }
    }

    @Test func clocksMove() async throws {
        let clock = SystemClock()
        let start = clock.now
        try await clock.sleep(for: .milliseconds(5))
        #expect(clock.now - start >= .milliseconds(5))
        #expect(SystemWallClock().now.secondsSinceEpoch > 1_700_000_000)
    }

    @Test func systemRandomDiffers() {
        let random = SystemRandomSource()
        #expect(random.next() != random.next() || random.next() != random.next())
    }

    @Test func spawnerCancelsWhatIsStillRunning() async throws {
        let spawner = TaskSpawner()
        let finished = Mutex(0)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        spawner.spawn("quick") { finished.withLock { $0 += 1 } }
        spawner.spawn("forever") {
            startedContinuation.yield()
            while !Task.isCancelled { try? await SystemClock().sleep(for: .seconds(60)) }
            finished.withLock { $0 += 1 }
        }
        _ = await started.first { _ in true }
        spawner.cancelAll()
        while finished.withLock({ $0 }) < 2 { await Task.yield() }
        #expect(finished.withLock { $0 } == 2)
        #expect(spawner.runningCount == 0)
    }
}
