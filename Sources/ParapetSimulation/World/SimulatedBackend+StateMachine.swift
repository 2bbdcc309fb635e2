import ParapetCore
extension SimulatedBackend {
    /// A simulated backend's behaviour over time as a pure value: the behaviour, latency and capacity segments
    /// from its timeline, and the decision for each request at `now`. Advances lazily — a behaviour change needs
    /// no timer — and draws every random number from the generator it is given.
    struct StateMachine: Sendable {
        struct Segment: Sendable {
            var start: Int64
            var behaviour: BackendBehaviour
            var latency: LatencyDistribution
            var capacity: BackendCapacity?
        }

        private let segments: [Segment]
        private var current = 0
        private var sampler: LatencySampler
        private var schedule: CapacitySchedule?
        private var recorded = StratifiedDeck<RecordedAnswer>(sorted: [])

        /// The segments of `target` under `timeline` (events for other targets are ignored; events at the same
        /// instant apply in timeline order).
        static func segments(of target: Scenario.Target, timeline: [Scenario.TimelineEvent]) -> [Segment] {
            var segments = [Segment(start: 0, behaviour: target.behaviour, latency: target.latency, capacity: target.capacity)]
            let events = timeline.enumerated()
                .filter { $0.element.target == target.name }
                .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
                .map(\.element)
            for event in events {
                guard var next = segments.last else { continue }
                next.start = max(event.at.wholeNanoseconds, 0)
                if let behaviour = event.become { next.behaviour = behaviour }
                if let latency = event.latency { next.latency = latency }
                if let capacity = event.capacity { next.capacity = capacity }
                if let last = segments.last, last.start == next.start {
                    segments[segments.count - 1] = next
                } else {
                    segments.append(next)
                }
            }
            return segments
        }

        init(target: Scenario.Target, timeline: [Scenario.TimelineEvent]) {
            let segments = Self.segments(of: target, timeline: timeline)
            self.segments = segments
            sampler = LatencySampler(segments[0].latency)
            schedule = segments[0].capacity.map { CapacitySchedule(concurrency: $0.concurrency, queue: $0.queue) }
            enter(segments[0])
        }

        private mutating func enter(_ segment: Segment) {
            if case .recorded(let answers) = segment.behaviour {
                recorded = StratifiedDeck(sorted: answers.sorted { $0.latency < $1.latency })
            }
        }

        private mutating func advance(to now: Int64) {
            while current + 1 < segments.count, segments[current + 1].start <= now {
                let previous = segments[current]
                current += 1
                let segment = segments[current]
                if segment.latency != previous.latency { sampler = LatencySampler(segment.latency) }
                if segment.capacity != previous.capacity {
                    if let capacity = segment.capacity {
                        schedule = schedule?.resized(concurrency: capacity.concurrency, queue: capacity.queue)
                            ?? CapacitySchedule(concurrency: capacity.concurrency, queue: capacity.queue)
                    } else {
                        schedule = nil
                    }
                }
                if segment.behaviour != previous.behaviour { enter(segment) }
            }
        }

        /// The decision for a request arriving at `now`.
        mutating func decide<Generator: RandomNumberGenerator>(at now: Int64, using random: inout Generator) -> BackendDecision {
            advance(to: now)
            let segment = segments[current]
            switch segment.behaviour {
            case .healthy:
                return serve(200, slowdown: 1, at: now, using: &random)
            case .gray(let slowdown):
                return serve(200, slowdown: slowdown, at: now, using: &random)
            case .errors(let rate, let answer):
                return random.unitInterval() < rate
                    ? fail(answer, at: now, using: &random) : serve(200, slowdown: 1, at: now, using: &random)
            case .dead(let after):
                return .refuse(at: now &+ max(after.wholeNanoseconds, 0))
            case .blackHole:
                return .hang
            case .flapping(let up, let down, let downAs):
                let period = max(up.wholeNanoseconds &+ down.wholeNanoseconds, 1)
                let phase = (now - segment.start) % period
                return phase < up.wholeNanoseconds
                    ? serve(200, slowdown: 1, at: now, using: &random) : fail(downAs, at: now, using: &random)
            case .coldStart(let warmup, let unready):
                return now - segment.start < warmup.wholeNanoseconds
                    ? fail(unready, at: now, using: &random) : serve(200, slowdown: 1, at: now, using: &random)
            case .recorded:
                guard let answer = recorded.next(using: &random) else { return .hang }
                let latency = max(answer.latency.wholeNanoseconds, 0)
                switch answer.outcome {
                case .status(let status): return serve(status, service: latency, at: now)
                case .refused: return .refuse(at: now &+ latency)
                case .reset: return .reset(at: now &+ latency)
                case .blackHole: return .hang
                }
            }
        }

        private mutating func fail<Generator: RandomNumberGenerator>(
            _ answer: FailureAnswer, at now: Int64, using random: inout Generator
        ) -> BackendDecision {
            switch answer {
            case .status(let status): serve(status, slowdown: 1, at: now, using: &random)
            case .refused: .refuse(at: now &+ BackendBehaviour.refusalLatency.wholeNanoseconds)
            case .reset: .reset(at: now &+ sampler.next(using: &random))
            case .blackHole: .hang
            }
        }

        private mutating func serve<Generator: RandomNumberGenerator>(
            _ status: Int, slowdown: Double, at now: Int64, using random: inout Generator
        ) -> BackendDecision {
            var service = sampler.next(using: &random)
            if slowdown != 1 { service = Int64(min(Double(service) * slowdown, 3.0e15)) }
            return serve(status, service: service, at: now)
        }

        private mutating func serve(_ status: Int, service: Int64, at now: Int64) -> BackendDecision {
            guard schedule != nil else { return .answer(status: status, at: now &+ service) }
            if let finish = schedule?.admit(at: now, service: service) {
                return .answer(status: status, at: finish)
            }
            switch segments[current].capacity?.whenFull ?? .status(503) {
            case .status(let full): return .answer(status: full, at: now)
            default: return .refuse(at: now)
            }
        }

        /// The intervals (virtual nanoseconds, half-open) during which this backend fails every request, up to
        /// `end`: dead, black-holed, erroring at rate 1, flapping down, or warming up.
        static func outIntervals(of segments: [Segment], until end: Int64) -> [Range<Int64>] {
            var intervals: [Range<Int64>] = []
            for (index, segment) in segments.enumerated() where segment.start < end {
                let segmentEnd = min(index + 1 < segments.count ? segments[index + 1].start : end, end)
                guard segment.start < segmentEnd else { continue }
                switch segment.behaviour {
                case .dead, .blackHole:
                    intervals.append(segment.start..<segmentEnd)
                case .errors(let rate, _) where rate >= 1:
                    intervals.append(segment.start..<segmentEnd)
                case .flapping(let up, let down, _):
                    let upNanos = up.wholeNanoseconds
                    let period = max(upNanos &+ down.wholeNanoseconds, 1)
                    // Flapping faster than this is not analysed as outages (it would need millions of intervals).
                    guard (segmentEnd - segment.start) / period <= 100_000 else { continue }
                    var cycle = segment.start
                    while cycle < segmentEnd {
                        let downStart = cycle &+ upNanos
                        let downEnd = min(cycle &+ period, segmentEnd)
                        if downStart < downEnd { intervals.append(downStart..<downEnd) }
                        cycle &+= period
                    }
                case .coldStart(let warmup, _):
                    let warmEnd = min(segment.start &+ warmup.wholeNanoseconds, segmentEnd)
                    if segment.start < warmEnd { intervals.append(segment.start..<warmEnd) }
                default:
                    break
                }
            }
            return intervals
        }
    }
}
