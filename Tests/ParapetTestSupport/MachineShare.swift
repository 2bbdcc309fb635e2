public import Testing
import Synchronization

/// How a test shares this machine's cores with the tests running beside it in a parallel `swift test`.
///
/// Swift Testing runs every test of the package at once, in one process, on a machine that may have two
/// cores. A test that saturates them (a gibibyte through the proxy, ten thousand connections, a simulated
/// hour) makes a test that asserts on real elapsed time — a 100 ms Redis timeout, a graceful-shutdown wait —
/// fail for no reason of its own. Marking both kinds keeps them apart without widening any margin:
///
/// ```swift
/// @Suite(.timingSensitive) struct RedisOutageTests { … }
/// @Test(.cpuHeavy) func oneGibibyteStreamsThroughTheProxy() async throws { … }
/// ```
///
/// Timing-sensitive tests run together (they are light); a CPU-heavy test runs only while no other marked
/// test does. Unmarked tests run whenever Swift Testing starts them. On a suite the trait applies to each
/// of its test cases, never to the suite as a whole, so a suite's own tests never wait for each other.
/// A `.timeLimit` counts the wait for a test's turn too: on a marked test it bounds a hang, not its pace.
public struct MachineShare: TestTrait, SuiteTrait, TestScoping {
    enum Kind: Sendable, Equatable {
        case cpuHeavy
        case timingSensitive
    }

    let kind: Kind

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        // A test inside a marked suite that is marked again already holds its share.
        if let held = Self.held {
            if held != kind { Issue.record("\(test.name) is marked both CPU-heavy and timing-sensitive") }
            try await function()
            return
        }
        await Self.gate.enter(kind)
        defer { Self.gate.leave(kind) }
        try await Self.$held.withValue(kind, operation: function)
    }

    @TaskLocal private static var held: Kind?
    private static let gate = Gate()

    private final class Gate: Sendable {
        private let machine = Mutex(StateMachine<CheckedContinuation<Void, Never>>())

        func enter(_ kind: Kind) async {
            await withCheckedContinuation { continuation in
                let admitted = machine.withLock { $0.request(kind, waiter: continuation) }
                if admitted { continuation.resume() }
            }
        }

        func leave(_ kind: Kind) {
            for waiter in machine.withLock({ $0.finished(kind) }) { waiter.resume() }
        }
    }
}

extension Trait where Self == MachineShare {
    /// The test keeps the machine's cores busy: it runs while no other marked test does.
    public static var cpuHeavy: Self { MachineShare(kind: .cpuHeavy) }

    /// The test asserts on real elapsed time: it never runs beside a CPU-heavy test.
    public static var timingSensitive: Self { MachineShare(kind: .timingSensitive) }
}
