import ParapetUpstream
import Synchronization

/// The shared, lock-protected measurements of one stack's run: client requests, the stack's attempts, state
/// transitions, what its rate limit and cache did, and (optionally) the request trace. Every simulated task
/// records here; the lock is held for a few increments at a time and never across an `await`.
final class RunRecorder: Sendable {
    struct State: Sendable {
        var client: ClientTally
        var attempts: AttemptTally
        var transitions: [TransitionRecord] = []
        var transitionsDropped = 0
        var trace: [RequestTrace.Entry]?
        var rateLimit: RateLimitTally?
        var cache: CacheTally?
    }

    static let transitionLimit = 100_000

    /// The arrival of the request the current task sends, for hooks that run inside it.
    @TaskLocal static var arrival: Int64?

    private let state: Mutex<State>

    init(
        layout: ReportLayout, allDownWindows: [Range<Int64>], recordsTrace: Bool, rateLimit: RateLimitTally? = nil,
        cache: CacheTally? = nil
    ) {
        state = Mutex(State(
            client: ClientTally(layout: layout), attempts: AttemptTally(allDownWindows: allDownWindows),
            trace: recordsTrace ? [] : nil, rateLimit: rateLimit, cache: cache))
    }

    /// Records a finished request and, when given, its single attempt (`.some(nil)`: routed; `.some(reason)`: shed).
    func request(arrival: Int64, finish: Int64, status: Int, outcome: RequestTrace.Outcome, target: String?, attempt: Int?? = .none) {
        state.withLock { state in
            if case .some(let shedReason) = attempt {
                state.attempts.record(at: arrival, shedReason: shedReason)
            }
            state.client.record(arrival: arrival, finish: finish, status: status)
            if !state.attempts.allDown.isEmpty {
                state.attempts.recordRequest(arrival: arrival, isSuccess: (200..<400).contains(status))
            }
            state.rateLimit?.recordRequest(arrival: arrival, status: status)
            if state.trace != nil {
                state.trace?.append(RequestTrace.Entry(
                    time: .nanoseconds(arrival), target: target, outcome: outcome, latency: .nanoseconds(finish - arrival)))
            }
        }
    }

    func attempt(at time: Int64, shedReason: Int?) {
        state.withLock { $0.attempts.record(at: time, shedReason: shedReason) }
    }

    /// A rate-limit decision made without an answer from Redis, for the request that arrived at `arrival`.
    func storeFailure(arrival: Int64) {
        state.withLock { $0.rateLimit?.recordStoreFailure(arrival: arrival) }
    }

    /// A request, arrived at `arrival`, that the rate limit refused.
    func refusal(arrival: Int64) {
        state.withLock { $0.rateLimit?.recordRefusal(arrival: arrival) }
    }

    /// An answer of the stack's cache, as its `Cache-Status` describes it.
    func cacheAnswer(_ answer: CacheAnswer) {
        state.withLock { $0.cache?.record(answer) }
    }

    /// A request the stack's cache sent on towards the origin.
    func originRequest() {
        state.withLock { $0.cache?.originRequests += 1 }
    }

    /// How many purges the stack's cache has been given so far (none without purge tracking).
    var purgesApplied: Int {
        state.withLock { $0.cache?.purging?.applied.count ?? 0 }
    }

    /// A purge the stack's cache has just been given.
    func purged(_ purge: Scenario.Purge) {
        state.withLock { $0.cache?.purging?.applied.append(purge) }
    }

    /// An answer of the stack's cache, checked against the purges (see ``PurgeTally/answered``).
    func answered(host: String, pathAndQuery: String, tags: [String], filledAfter: Int, askedAfter: Int) {
        state.withLock { state in
            state.cache?.purging?.answered(
                host: host, pathAndQuery: pathAndQuery, tags: tags, filledAfter: filledAfter, askedAfter: askedAfter)
        }
    }

    /// What the stack's cache store holds now: a sample at a chosen instant, or the final one.
    func cacheMemory(_ sample: CacheMemorySample, isFinal: Bool) {
        state.withLock { state in
            if isFinal {
                state.cache?.purging?.final = sample
            } else {
                state.cache?.purging?.samples.append(sample)
            }
        }
    }

    func transition(_ change: StateChange, source: String, at time: Int64) {
        state.withLock { state in
            guard state.transitions.count < Self.transitionLimit else {
                state.transitionsDropped += 1
                return
            }
            state.transitions.append(TransitionRecord(
                at: .nanoseconds(time), source: source, target: change.target, from: change.from.name, to: change.to.name,
                reason: change.reason.rawValue, cause: change.cause.rawValue))
        }
    }

    /// Client requests finished so far.
    var requests: Int {
        state.withLock { $0.client.requests }
    }

    var snapshot: State {
        state.withLock { $0 }
    }
}

extension TargetState {
    /// `closed`, `open` or `half-open`.
    var name: String {
        switch self {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }
}
