import ParapetCore
import Synchronization

/// A thread-safe, ordered list for collecting observations from simulated tasks.
final class Recorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) {
        storage.withLock { $0.append(element) }
    }

    var elements: [Element] {
        storage.withLock { $0 }
    }
}

extension MonotonicInstant {
    /// The instant `seconds` after the origin.
    static func seconds(_ seconds: Int64) -> MonotonicInstant {
        MonotonicInstant.zero.advanced(by: .seconds(seconds))
    }
}
