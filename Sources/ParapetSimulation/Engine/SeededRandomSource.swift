public import ParapetCore
import Synchronization

/// The simulator's ``RandomSource``: seeded xoshiro256** with an independent stream per named component.
///
/// A named stream's seed is derived from the parent's seed and the FNV-1a hash of the name — never from
/// the parent's draws and never from Swift's per-process `Hasher` — so adding a component, or drawing more
/// from one, leaves every other component's sequence unchanged. Asking for the same name twice returns
/// the same stream, which continues where it left off. All methods are thread-safe.
///
/// ```swift
/// let random = SeededRandomSource(seed: 42)
/// var balancer = random.generator(for: "round-robin")
/// let first = Int.random(in: 0..<3, using: &balancer)  // the same on every run
/// ```
public final class SeededRandomSource: RandomSource {
    private struct State {
        var generator: Xoshiro256StarStar
        var streams: [String: SeededRandomSource] = [:]
    }

    /// The seed this source was created with (for a named stream: its derived seed).
    public let seed: UInt64

    private let state: Mutex<State>

    /// Creates a source whose draws are fully determined by `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        self.state = Mutex(State(generator: Xoshiro256StarStar(seed: seed)))
    }

    /// The next 64 random bits of this stream.
    public func next() -> UInt64 {
        state.withLock { $0.generator.next() }
    }

    /// The stream for `component`: seeded from this source's seed and the stable hash of the name, and
    /// the same object every time the same name is asked for.
    ///
    /// ```swift
    /// let random = SeededRandomSource(seed: 42)
    /// let probes = random.stream(named: "health-check")
    /// let jitter = probes.next() % 1_000
    /// ```
    public func stream(named component: String) -> any RandomSource {
        namedStream(component)
    }

    /// The stream for `component`, typed as a ``SeededRandomSource``.
    ///
    /// ```swift
    /// let cache = SeededRandomSource(seed: 42).namedStream("cache")
    /// print(cache.seed)
    /// ```
    public func namedStream(_ component: String) -> SeededRandomSource {
        state.withLock { state in
            if let existing = state.streams[component] {
                return existing
            }
            let stream = SeededRandomSource(seed: Self.derivedSeed(parent: seed, component: component))
            state.streams[component] = stream
            return stream
        }
    }

    /// The seed of the stream named `component` under a source seeded with `parent`.
    public static func derivedSeed(parent: UInt64, component: String) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(parent) ^ FNV1a64.hash(component))
    }
}
