import Synchronization

/// A set of targets shared across tasks: the targets an ``HTTPSTransport`` found speaking HTTP/2.
final class UpstreamTargetSet: Sendable {
    private let targets = Mutex<Set<String>>([])

    func contains(_ target: String) -> Bool { targets.withLock { $0.contains(target) } }
    func insert(_ target: String) { _ = targets.withLock { $0.insert(target) } }
    func remove(_ target: String) { _ = targets.withLock { $0.remove(target) } }
}
