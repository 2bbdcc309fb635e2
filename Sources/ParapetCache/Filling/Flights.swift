import ParapetCore
import Synchronization

/// Request coalescing: the first miss for a key goes to the origin (it leads), and misses for the same
/// key that arrive meanwhile wait for what it learns instead of asking the origin too.
final class Flights: Sendable {
    /// What a waiting request learns from its leader.
    enum Outcome: Sendable {
        /// The response is being stored: read it from the fill as it arrives.
        case filling(CacheFill)
        /// The response was stored whole: look it up again.
        case stored
        /// Nothing to share (not storable, failed, or too slow): ask the origin yourself.
        case goAlone
    }

    /// What a request does on a miss.
    enum Role: Sendable {
        /// Ask the origin, then ``Flights/land(_:with:)`` with what came back — always, failure included.
        case lead
        /// Another request asked first; this is what it learned.
        case follow(Outcome)
    }

    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Outcome, Never>
        /// The timer that gives up waiting, cancelled when the leader lands first.
        var timer: (any ScheduledCallback)?
    }

    private let flights = Mutex<[String: [Waiter]]>([:])
    /// Responses being stored, by key: a miss that arrives after its leader landed reads along.
    private let fills = Mutex<[String: CacheFill]>([:])
    private let waiterIDs = Atomic<Int>(0)
    private let clock: any MonotonicClock
    /// How long a follower waits for its leader before asking the origin itself.
    private let timeout: Duration

    init(clock: any MonotonicClock, timeout: Duration) {
        self.clock = clock
        self.timeout = timeout
    }

    /// Leads the flight for `key`, or follows the one in the air, or reads along with a fill of `key`.
    func join(_ key: String) async -> Role {
        if let fill = fills.withLock({ $0[key] }) { return .follow(.filling(fill)) }
        let leads = flights.withLock { flights -> Bool in
            guard flights[key] == nil else { return false }
            flights[key] = []
            return true
        }
        if leads { return .lead }
        let id = waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let waiting = flights.withLock { flights -> Bool in
                guard flights[key] != nil else { return false }
                flights[key]?.append(Waiter(id: id, continuation: continuation))
                return true
            }
            guard waiting else {
                // The leader landed between the two locks: its response is filling or stored, if anywhere.
                continuation.resume(returning: fills.withLock { $0[key] }.map(Outcome.filling) ?? .stored)
                return
            }
            let timer = clock.scheduleCallback(at: clock.now.advanced(by: timeout)) { [self] in
                giveUp(key, id)
            }
            let armed = flights.withLock { flights -> Bool in
                guard let index = flights[key]?.lastIndex(where: { $0.id == id }) else { return false }
                flights[key]?[index].timer = timer
                return true
            }
            if !armed { timer.cancel() }
        }
        return .follow(outcome)
    }

    /// Ends the flight for `key`, telling every follower `outcome`.
    func land(_ key: String, with outcome: Outcome) {
        let waiters = flights.withLock { $0.removeValue(forKey: key) } ?? []
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: outcome)
        }
    }

    /// `fill` of `key` has begun: misses read along until ``fillEnded(_:_:)``.
    func fillBegan(_ key: String, _ fill: CacheFill) {
        fills.withLock { $0[key] = fill }
    }

    /// Stops sharing the fill of `key`, if any, and keeps it from being stored: its URL was invalidated.
    func invalidate(_ key: String) {
        fills.withLock { $0.removeValue(forKey: key) }?.invalidate()
    }

    /// `fill` of `key` has ended, stored or failed: later misses look in the store, or lead.
    func fillEnded(_ key: String, _ fill: CacheFill) {
        fills.withLock { fills in
            if fills[key] === fill { fills[key] = nil }
        }
    }

    private func giveUp(_ key: String, _ id: Int) {
        let waiter = flights.withLock { flights -> Waiter? in
            guard let index = flights[key]?.firstIndex(where: { $0.id == id }) else { return nil }
            return flights[key]?.remove(at: index)
        }
        waiter?.continuation.resume(returning: .goAlone)
    }
}
