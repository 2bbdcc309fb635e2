public import ParapetCore
import Synchronization

/// An ordered record of what happened in a simulation — (virtual time, task, event) entries — with a
/// stable 64-bit fingerprint.
///
/// The fingerprint is FNV-1a over a canonical byte encoding of every entry in order (see
/// ``Entry/encode(into:)``), so two runs produced the same trace exactly when their hashes match, in
/// the same process or not. Appending is thread-safe.
///
/// ```swift
/// let simulation = Simulation(seed: 7)
/// try simulation.run { runtime in
///     simulation.trace.record("start", task: "root")
///     try await runtime.clock.sleep(for: .seconds(1))
///     simulation.trace.record("stop", task: "root")
/// }
/// print(simulation.trace.count, simulation.trace.hashDescription)
/// ```
public final class SimulationTrace: Sendable {
    /// One traced event.
    ///
    /// ```swift
    /// for entry in simulation.trace.entries { print(entry) }  // "+1.0 seconds root stop"
    /// ```
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The virtual instant of the event.
        public var time: MonotonicInstant
        /// Which simulated task (or component) it happened in.
        public var task: String
        /// What happened.
        public var event: String

        /// Creates an entry.
        public init(time: MonotonicInstant, task: String, event: String) {
            self.time = time
            self.task = task
            self.event = event
        }

        /// Feeds the canonical encoding of the entry to `hash`: the whole seconds and the attoseconds
        /// of the time as two 64-bit little-endian integers, then the task and the event, each as a
        /// 64-bit little-endian UTF-8 byte count followed by the bytes.
        ///
        /// ```swift
        /// var hash = FNV1a64()
        /// entry.encode(into: &hash)
        /// ```
        public func encode(into hash: inout FNV1a64) {
            let (seconds, attoseconds) = time.offset.components
            hash.combine(UInt64(bitPattern: seconds))
            hash.combine(UInt64(bitPattern: attoseconds))
            hash.combine(UInt64(task.utf8.count))
            hash.combine(task)
            hash.combine(UInt64(event.utf8.count))
            hash.combine(event)
        }

        /// `time task event`.
        public var description: String {
            "\(time) \(task) \(event)"
        }
    }

    private struct State {
        var hash = FNV1a64()
        var count = 0
        var entries: [Entry] = []
    }

    /// The clock that timestamps ``record(_:task:)``.
    public let clock: any MonotonicClock

    /// Whether ``entries`` keeps every entry; when false only the count and the hash are kept, which
    /// is enough to compare runs of millions of events.
    ///
    /// ```swift
    /// let light = SimulationTrace(clock: simulation.clock, keepsEntries: false)
    /// assert(!light.keepsEntries)
    /// ```
    public let keepsEntries: Bool

    private let state = Mutex(State())

    /// Creates an empty trace timestamped by `clock`.
    public init(clock: any MonotonicClock, keepsEntries: Bool = true) {
        self.clock = clock
        self.keepsEntries = keepsEntries
    }

    /// Appends `event` in `task` at the clock's current instant.
    public func record(_ event: String, task: String) {
        record(Entry(time: clock.now, task: task, event: event))
    }

    /// Appends `event` in `task` at `time`.
    public func record(_ event: String, task: String, at time: MonotonicInstant) {
        record(Entry(time: time, task: task, event: event))
    }

    /// Appends `entry`.
    public func record(_ entry: Entry) {
        let keepsEntries = self.keepsEntries
        state.withLock { state in
            entry.encode(into: &state.hash)
            state.count += 1
            if keepsEntries {
                state.entries.append(entry)
            }
        }
    }

    /// The number of entries recorded.
    public var count: Int {
        state.withLock { $0.count }
    }

    /// The stable FNV-1a hash of every entry recorded so far, in order.
    public var hash: UInt64 {
        state.withLock { $0.hash.value }
    }

    /// ``hash`` as 16 lowercase hexadecimal digits.
    public var hashDescription: String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Every entry recorded, in order (empty unless ``keepsEntries``).
    public var entries: [Entry] {
        state.withLock { $0.entries }
    }
}
