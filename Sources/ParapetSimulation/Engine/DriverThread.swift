import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A thread of its own for driving a simulation from async code, at the lowest scheduling priority.
///
/// Driving blocks its thread for as long as the run lasts, so async callers must not do it on Swift's
/// cooperative pool. A simulation is also pure CPU work with no deadline of its own, while the process
/// around it may hold real ones — a server's timeouts, or other tests' real-time margins — so the driver
/// yields the CPU to every other thread that wants it: a long run never delays a real socket.
enum DriverThread {
    /// Runs `work` on a new thread named `name` and returns its result.
    static func run<T: Sendable>(named name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let driver = Thread {
                lowerThisThreadsPriority()
                continuation.resume(with: Result { try work() })
            }
            driver.name = name
            driver.start()
        }
    }

    /// Makes the calling thread the least favoured by the scheduler (nice 19). On Linux the nice value
    /// belongs to the thread, so the rest of the process keeps its priority.
    private static func lowerThisThreadsPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
