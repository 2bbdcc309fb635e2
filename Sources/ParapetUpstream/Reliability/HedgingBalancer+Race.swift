import ParapetCore
import Synchronization

extension HedgingBalancer {
    /// What the race hears: a leg finished, the hedge timer fired, or the caller went away.
    fileprivate enum Event: Sendable {
        case leg(Int, Result<UpstreamResponse, any Error>)
        case timer(generation: Int)
        case cancelled
    }

    /// Races legs of `request` through ``next`` as ``StateMachine`` directs: each leg a child task that posts
    /// its outcome, the hedge delay a callback on the runtime's clock that posts its generation.
    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    func race(_ request: UpstreamRequest, context: RequestContext) async throws -> UpstreamResponse {
        let next = self.next
        let clock = context.runtime.clock
        let delay = options.hedgeDelay
        let isWinner = options.isWinner
        let (maxHedge, hedgeOnError) = (options.maxHedge, options.hedgeOnError)
        let events = RaceEvents()

        return try await withThrowingDiscardingTaskGroup(returning: UpstreamResponse.self) { group in
            var race = StateMachine(maxHedge: maxHedge, hedgeOnError: hedgeOnError)
            var timer: (any ScheduledCallback)?
            defer { timer?.cancel() }
            var firstError: (any Error)?
            var firstAnswer: UpstreamResponse?
            var action = race.start()
            while true {
                if case .launch(let leg, let generation) = action {
                    group.addTask {
                        do {
                            events.post(.leg(leg, .success(try await next.roundTrip(request, context: context))))
                        } catch {
                            events.post(.leg(leg, .failure(error)))
                        }
                    }
                    timer?.cancel()  // superseded
                    timer = generation.map { generation in
                        clock.scheduleCallback(at: clock.now.advanced(by: delay)) {
                            events.post(.timer(generation: generation))
                        }
                    }
                }
                // A leg or the armed timer is always pending while the race is undecided. With no leg in flight
                // to end early on cancellation, only the timer is left, so the caller's cancellation must wake it.
                let event = race.launched > race.finished ? await events.next() : await events.nextOrCancelled()
                if Task.isCancelled {
                    group.cancelAll()
                    throw CancellationError()
                }
                switch event {
                case .leg(let leg, let outcome):
                    action = race.legFinished(leg, won: isWinner(outcome))
                    if case .finish = action {
                        if race.launched > race.finished { group.cancelAll() }
                        return try outcome.get()
                    }
                    switch outcome {
                    case .success(let answer): firstAnswer = firstAnswer ?? answer
                    case .failure(let error): firstError = firstError ?? error
                    }
                    if case .exhausted = action {
                        if let firstError { throw firstError }
                        return try firstAnswer ?? outcome.get()  // every leg answered: the first answer
                    }
                case .timer(let generation):
                    action = race.timerFired(generation)
                case .cancelled:
                    action = .wait
                }
            }
        }
    }
}

/// The race's mailbox: legs (on their own tasks) and the timer callback post; the racing task waits for the next
/// event. Events nobody waits for any more — a cancelled loser's, after the race — are dropped with it.
private final class RaceEvents: Sendable {
    private struct State {
        var pending: [HedgingBalancer.Event] = []
        var waiter: UnsafeContinuation<HedgingBalancer.Event, Never>?
    }

    private let state = Mutex(State())

    func post(_ event: HedgingBalancer.Event) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.pending.append(event)
                return nil as UnsafeContinuation<HedgingBalancer.Event, Never>?
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: event)
    }

    /// The next event, waiting for one if none is pending.
    @inline(__always)  // one async call fewer per request: a frame from the task's allocator, an executor check
    func next() async -> HedgingBalancer.Event {
        await withUnsafeContinuation { continuation in
            let event = state.withLock { state in
                guard state.pending.isEmpty else { return state.pending.removeFirst() as HedgingBalancer.Event? }
                state.waiter = continuation
                return nil
            }
            if let event { continuation.resume(returning: event) }
        }
    }

    /// ``next()``, also woken by the cancellation of the calling task.
    func nextOrCancelled() async -> HedgingBalancer.Event {
        await withTaskCancellationHandler {
            await next()
        } onCancel: {
            post(.cancelled)
        }
    }
}
