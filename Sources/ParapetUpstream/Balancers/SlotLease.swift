import ParapetCore
import Synchronization

/// A claimed concurrency slot that is given back exactly once: when ``release()`` is first called, or
/// when the last reference to the lease goes away without it.
///
/// The deinitializer is what makes a response body that is dropped unread give its slot back.
final class SlotLease: BodyHeldResource {
    private let isReleased = Atomic<Bool>(false)
    private let onRelease: @Sendable () -> Void

    /// Creates a held lease that runs `onRelease` when it is given back.
    init(onRelease: @escaping @Sendable () -> Void) {
        self.onRelease = onRelease
    }

    /// Gives the slot back; later calls do nothing.
    func release() {
        if !isReleased.exchange(true, ordering: .acquiringAndReleasing) {
            onRelease()
        }
    }

    deinit {
        release()
    }
}
