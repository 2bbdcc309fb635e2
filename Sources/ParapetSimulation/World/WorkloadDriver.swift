import ParapetCache
import ParapetCore

/// Generates a scenario's traffic in virtual time and sends it through a ``SimulatedClient``.
///
/// Open-loop and replayed arrivals are cut into 50 ms batches: each batch is a child task that, at the batch's
/// start, creates one task per request in its own discarding task group, each held on the executor until its
/// arrival (``SimulationExecutor/holdingNextJob(until:_:)``) rather than sleeping. No task group ever holds more
/// than a batch of requests (removing children from one huge group is quadratic), a request costs one child
/// task and one event to start it, and few tasks wait at once (a second's worth, created together, measurably
/// slowed the run through cache misses).
struct WorkloadDriver: Sendable {
    let workload: Scenario.Workload
    let client: SimulatedClient
    let runtime: Runtime
    /// The executor the run is driven on, which holds each request's task until its arrival.
    let executor: SimulationExecutor
    /// The end of traffic (the scenario's duration), in virtual nanoseconds.
    let end: Int64
    /// The end of the drain: requests still in flight then are cancelled.
    let cutoff: Int64
    /// Changes to the world outside the backends, in time order.
    let worldSteps: [WorldStep]
    /// The stack's Redis, which the `redis` steps change.
    let redis: SimulatedRedis?
    /// The stack's cache's purge table, which the `purge` steps purge.
    let purges: PurgeTable?

    /// A timeline step that changes something other than a backend.
    enum WorldStep: Sendable {
        case wallClock(at: Int64, step: Duration)
        case redis(at: Int64, state: SimulatedRedis.State)
        case purge(at: Int64, purge: Scenario.Purge)

        var at: Int64 {
            switch self {
            case .wallClock(let at, _), .redis(let at, _), .purge(let at, _): at
            }
        }
    }

    /// The wall-clock steps of `timeline` and, for a stack with a Redis, its `redis` steps, and for a
    /// purging cache its `purge` steps, in time order (steps at the same instant in timeline order).
    static func worldSteps(in timeline: [Scenario.TimelineEvent], redis: Bool, purges: Bool) -> [WorldStep] {
        var steps: [(step: WorldStep, index: Int)] = []
        for (index, event) in timeline.enumerated() {
            let at = event.at.wholeNanoseconds
            if let step = event.wallClockStep { steps.append((.wallClock(at: at, step: step), index)) }
            if redis, let state = event.redis { steps.append((.redis(at: at, state: state), index)) }
            if purges, let purge = event.purge { steps.append((.purge(at: at, purge: purge), index)) }
        }
        return steps.sorted { ($0.step.at, $0.index) < ($1.step.at, $1.index) }.map(\.step)
    }

    /// The span of arrivals one batch starts, in virtual nanoseconds.
    static let batchWidth: Int64 = 50_000_000

    func run() async {
        let clock = runtime.clock
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await traffic()
                return true
            }
            group.addTask {
                try? await clock.sleep(until: MonotonicInstant(nanoseconds: cutoff))
                return true
            }
            if !worldSteps.isEmpty {
                group.addTask {
                    await stepWorld()
                    return false
                }
            }
            while let isTerminal = await group.next() {
                if isTerminal { break }
            }
            group.cancelAll()
        }
    }

    private func traffic() async {
        var mix = RequestMix(workload.mix)
        var mixRandom = runtime.random.generator(for: "workload/mix")
        switch workload.arrivals {
        case .poisson(let rate, let bursts):
            var arrivals = PoissonArrivals(rate: rate, bursts: bursts)
            var random = runtime.random.generator(for: "workload/arrivals")
            await sendBatched { arrivals.next(using: &random).map { ($0, mix.pick(at: $0, using: &mixRandom)) } }
        case .replay(let offsets):
            var remaining = offsets.map(\.wholeNanoseconds).sorted()[...]
            await sendBatched { remaining.popFirst().map { ($0, mix.pick(at: $0, using: &mixRandom)) } }
        case .spike(let requests, let at):
            var remaining = requests
            await sendBatched {
                guard remaining > 0 else { return nil }
                remaining -= 1
                return (at.wholeNanoseconds, mix.pick(at: at.wholeNanoseconds, using: &mixRandom))
            }
        case .closedLoop(let clients, let thinkTime):
            await withDiscardingTaskGroup { group in
                for index in 0..<clients {
                    group.addTask { await closedLoopClient(index, thinkTime: thinkTime) }
                }
            }
        }
    }

    /// Sends the arrivals `next` produces (in time order) until the end of traffic, batch by batch; an
    /// arrival without a kind (no mix entry active) sends nothing.
    private func sendBatched(_ next: () -> (Int64, Int?)?) async {
        let clock = runtime.clock
        let client = self.client
        let bindsArrival = redis != nil
        let executor = self.executor
        await withDiscardingTaskGroup { batches in
            var pending = next()
            var batchStart: Int64 = 0
            while let (first, _) = pending, first < end {
                let batchEnd = max(batchStart, first - first % Self.batchWidth) + Self.batchWidth
                var batch: [(Int64, Int)] = []
                while let (arrival, kind) = pending, arrival < batchEnd, arrival < end {
                    if let kind { batch.append((arrival, kind)) }
                    pending = next()
                }
                batches.addTask {
                    await withDiscardingTaskGroup { requests in
                        for (arrival, kind) in batch {
                            executor.holdingNextJob(until: MonotonicInstant(nanoseconds: arrival)) {
                                requests.addTask {
                                    guard !Task.isCancelled else { return }  // the run ended before the arrival
                                    await Self.send(kind, arrival: arrival, through: client, bindingArrival: bindsArrival)
                                }
                            }
                        }
                    }
                }
                batchStart = batchEnd
                guard let (next, _) = pending, next < end else { break }
                do {
                    try await clock.sleep(until: MonotonicInstant(nanoseconds: next - next % Self.batchWidth))
                } catch {
                    return
                }
            }
        }
    }

    /// Sends a request through `client` — for a rate-limited stack with its arrival bound, so that the
    /// limiter's hooks count its decision in the outage window the request arrived in.
    private static func send(_ kind: Int, arrival: Int64, through client: SimulatedClient, bindingArrival: Bool) async {
        guard bindingArrival else { return await client.send(kind, arrival: arrival) }
        await RunRecorder.$arrival.withValue(arrival) { await client.send(kind, arrival: arrival) }
    }

    private func closedLoopClient(_ index: Int, thinkTime: LatencyDistribution) async {
        let clock = runtime.clock
        var random = runtime.random.generator(for: "workload/client-\(index)")
        var think = LatencySampler(thinkTime)
        var mix = RequestMix(workload.mix)
        do {
            // Stagger the start by one think time.
            try await clock.sleep(until: MonotonicInstant(nanoseconds: think.next(using: &random)))
            while true {
                let now = clock.now.nanoseconds
                guard now < end, !Task.isCancelled else { return }
                guard let kind = mix.pick(at: now, using: &random) else {
                    // Nothing to ask now: wait for the next entry to start, rather than spin on a zero think time.
                    guard let start = mix.nextStart(after: now) else { return }
                    try await clock.sleep(until: MonotonicInstant(nanoseconds: start))
                    continue
                }
                await Self.send(kind, arrival: now, through: client, bindingArrival: redis != nil)
                try await clock.sleep(until: MonotonicInstant(nanoseconds: clock.now.nanoseconds &+ think.next(using: &random)))
            }
        } catch {
            return
        }
    }

    private func stepWorld() async {
        let clock = runtime.clock
        for step in worldSteps {
            do {
                try await clock.sleep(until: MonotonicInstant(nanoseconds: step.at))
            } catch {
                return
            }
            switch step {
            case .wallClock(_, let step): (runtime.wallClock as? VirtualWallClock)?.step(by: step)
            case .redis(_, let state): redis?.set(state)
            case .purge(_, let purge):
                // Recorded with the purge, with no suspension between, so that every answer sees both or neither.
                purges?.purge(purge.scope)
                client.recorder.purged(purge)
            }
        }
    }
}

