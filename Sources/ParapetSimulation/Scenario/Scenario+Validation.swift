import HTTPTypes
import ParapetCore
import ParapetUpstream

extension Scenario {
    /// Checks every value and cross-reference, throwing the first problem found as a ``ScenarioError``
    /// (``ScenarioRunner`` calls it before running; the loaders call it with file positions).
    ///
    /// ```swift
    /// do { try scenario.validate() } catch { print(error) }  // <scenario>: unknown target "z" in timeline[0] ...
    /// ```
    public func validate() throws(ScenarioError) {
        if let problem = problems().first {
            throw problem.located(in: "<scenario>")
        }
    }

    /// Every problem, in document order.
    func problems() -> [ScenarioProblem] {
        var problems: [ScenarioProblem] = []
        func invalid(_ path: ScenarioPath, _ message: String) {
            problems.append(ScenarioProblem(path: path, kind: .invalidValue, message: "invalid value for \(path.fieldName): \(message)"))
        }
        func positive(_ duration: Duration?, _ path: ScenarioPath) {
            if let duration, duration <= .zero { invalid(path, "must be positive, got \(DurationText.format(duration))") }
        }
        func nonNegative(_ duration: Duration?, _ path: ScenarioPath) {
            if let duration, duration < .zero { invalid(path, "must not be negative, got \(DurationText.format(duration))") }
        }
        func atLeast(_ value: Int?, _ minimum: Int, _ path: ScenarioPath, maximum: Int = 1_000_000_000) {
            if let value, value < minimum || value > maximum {
                invalid(path, "must be between \(minimum) and \(maximum), got \(value)")
            }
        }
        /// The problems a production check finds, each at its field under `path`.
        func configuration(at path: ScenarioPath, _ check: () throws(ConfigurationError) -> Void) {
            guard let error = ConfigurationError.caught(from: check) else { return }
            for problem in error.flattened {
                if case .invalidValue(let field, let reason) = problem {
                    invalid(path.appending(field), reason)
                } else {
                    invalid(path, problem.description)
                }
            }
        }
        func ratio(_ value: Double, _ path: ScenarioPath) {
            if !(0...1).contains(value) { invalid(path, "must be between 0 and 1, got \(value)") }
        }

        positive(duration, ["duration"])
        if duration > .seconds(7 * 86_400) { invalid(["duration"], "must be at most 7 days, got \(DurationText.format(duration))") }
        nonNegative(drain, ["drain"])
        if drain > .seconds(86_400) { invalid(["drain"], "must be at most a day, got \(DurationText.format(drain))") }

        // Targets.
        if targets.isEmpty {
            problems.append(ScenarioProblem(path: ["targets"], kind: .invalidValue, message: "a scenario needs at least one target"))
        }
        if targets.count > 10_000 { invalid(["targets"], "at most 10000 targets, got \(targets.count)") }
        var seen: [String] = []
        for (index, target) in targets.enumerated() {
            let path = ScenarioPath(["targets", .index(index)])
            if target.name.isEmpty { invalid(path.appending("name"), "must not be empty") }
            if seen.contains(target.name) {
                problems.append(ScenarioProblem(
                    path: path.appending("name"), kind: .duplicate, message: "duplicate target \"\(target.name)\" in targets"))
            }
            seen.append(target.name)
            atLeast(target.weight, 1, path.appending("weight"), maximum: 1_000_000)
            atLeast(target.maxConcurrent, 1, path.appending("maxConcurrent"))
            if let cacheControl = target.cacheControl,
                cacheControl.isEmpty
                    || cacheControl.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F })
            {
                invalid(path.appending("cacheControl"), "must be a non-empty field value without control characters")
            }
            for (position, tag) in target.cacheTags.enumerated() where !Target.isTag(tag) {
                invalid(
                    path.appending("cacheTags").appending(.index(position)),
                    "a tag is 1 to 256 bytes without whitespace or commas, got \"\(tag)\"")
            }
            problems += target.latency.problems(at: path.appending("latency"))
            problems += target.behaviour.problems(at: path.appending("behaviour"))
            if let capacity = target.capacity { problems += capacity.problems(at: path.appending("capacity")) }
        }
        let knownTargets = "known targets: " + targets.map(\.name).joined(separator: ", ")

        // Timeline.
        for (index, event) in timeline.enumerated() {
            let path = ScenarioPath(["timeline", .index(index)])
            nonNegative(event.at, path.appending("at"))
            let changesTarget = event.become != nil || event.latency != nil || event.capacity != nil
            if let target = event.target {
                if !targets.contains(where: { $0.name == target }) {
                    problems.append(ScenarioProblem(
                        path: path.appending("target"), kind: .unknownReference,
                        message: "unknown target \"\(target)\" in \(path) (\(knownTargets))"))
                }
                if !changesTarget {
                    problems.append(ScenarioProblem(
                        path: path, kind: .missingField,
                        message: "\(path) names target \"\(target)\" but changes nothing (give become, latency or capacity)"))
                }
            } else if changesTarget {
                problems.append(ScenarioProblem(path: path, kind: .missingField, message: "missing field \"target\" in \(path)"))
            } else if event.wallClockStep == nil && event.redis == nil && event.purge == nil {
                problems.append(ScenarioProblem(
                    path: path, kind: .missingField,
                    message: "\(path) changes nothing (give target and become, wallClockStep, redis or purge)"))
            }
            if event.redis != nil, !stacks.contains(where: { $0.rateLimit != nil }) {
                invalid(path.appending("redis"), "no stack has a rateLimit, so nothing uses Redis")
            }
            if let purge = event.purge {
                if let problem = purge.problem { invalid(path.appending("purge"), problem) }
                if !stacks.contains(where: { $0.cache != nil }) {
                    invalid(path.appending("purge"), "no stack has a cache, so nothing is purged")
                }
            }
            if let behaviour = event.become { problems += behaviour.problems(at: path.appending("become")) }
            if let latency = event.latency { problems += latency.problems(at: path.appending("latency")) }
            if let capacity = event.capacity { problems += capacity.problems(at: path.appending("capacity")) }
        }

        // Workload.
        switch workload.arrivals {
        case .poisson(let rate, let bursts):
            if !(rate > 0 && rate <= 1_000_000) { invalid(["workload", "rate"], "must be above 0 and at most 1000000 per second, got \(rate)") }
            for (index, burst) in bursts.enumerated() {
                let path = ScenarioPath(["workload", "bursts", .index(index)])
                nonNegative(burst.from, path.appending("from"))
                if burst.to <= burst.from { invalid(path.appending("to"), "must be after from, got \(DurationText.format(burst.to))") }
                if !(burst.multiplier >= 0 && burst.multiplier <= 10_000) {
                    invalid(path.appending("multiplier"), "must be between 0 and 10000, got \(burst.multiplier)")
                }
            }
        case .closedLoop(let clients, let thinkTime):
            atLeast(clients, 1, ["workload", "clients"], maximum: 1_000_000)
            problems += thinkTime.problems(at: ["workload", "thinkTime"])
        case .replay(let offsets):
            if let index = offsets.firstIndex(where: { $0 < .zero }) {
                invalid(ScenarioPath(["workload", "arrivals", .index(index)]), "must not be negative")
            }
        case .spike(let requests, let at):
            atLeast(requests, 1, ["workload", "spike", "requests"], maximum: 1_000_000)
            nonNegative(at, ["workload", "spike", "at"])
            if at >= duration {
                invalid(
                    ["workload", "spike", "at"],
                    "must be before the end of traffic (\(DurationText.format(duration))), got \(DurationText.format(at))")
            }
        }
        if workload.mix.isEmpty || workload.mix.allSatisfy({ $0.weight == 0 }) {
            invalid(["workload", "mix"], "needs at least one entry with a positive weight")
        }
        for (index, entry) in workload.mix.enumerated() {
            let path = ScenarioPath(["workload", "mix", .index(index)])
            if HTTPRequest.Method(entry.method) == nil || entry.method.isEmpty {
                invalid(path.appending("method"), "\"\(entry.method)\" is not an HTTP method")
            }
            if !entry.path.hasPrefix("/") { invalid(path.appending("path"), "must start with /, got \"\(entry.path)\"") }
            atLeast(entry.weight, 0, path.appending("weight"), maximum: 1_000_000)
            problems += entry.active.problems(at: path)
        }

        // Redis.
        if let redis {
            if !stacks.contains(where: { $0.rateLimit != nil }) {
                invalid(["redis"], "no stack has a rateLimit, so nothing uses Redis")
            }
            problems += redis.latency.problems(at: ["redis", "latency"])
            positive(redis.timeout, ["redis", "timeout"])
        }

        // Stacks.
        let stackNames = stacks.map(\.name)
        if stacks.isEmpty { problems.append(ScenarioProblem(path: ["stacks"], kind: .invalidValue, message: "a scenario needs at least one stack")) }
        for (index, stack) in stacks.enumerated() {
            let path = ScenarioPath(["stacks", .index(index)])
            if stack.name.isEmpty { invalid(path.appending("name"), "must not be empty") }
            if stackNames[..<index].contains(stack.name) {
                problems.append(ScenarioProblem(
                    path: path.appending("name"), kind: .duplicate,
                    message: "duplicate stack \"\(stack.name)\" in stacks (name one of them)"))
            }
            // Each layer's policy goes through the real check; a scenario only bounds what a file may ask of a run.
            let balancer = path.appending("balancer")
            switch stack.balancer {
            case .roundRobin, .weightedRoundRobin, .leastConnections:
                break
            case .ejecting(let policy, _):
                configuration(at: balancer) { () throws(ConfigurationError) in _ = try policy.validated() }
            case .circuitBreaker(let policy, _):
                configuration(at: balancer) { () throws(ConfigurationError) in _ = try policy.validated() }
            case .latencyEjecting(let policy):
                configuration(at: balancer) { () throws(ConfigurationError) in _ = try policy.validated() }
            }
            if let check = stack.healthCheck {
                configuration(at: path.appending("healthCheck")) { () throws(ConfigurationError) in _ = try check.validated() }
            }
            if let hedging = stack.hedging {
                configuration(at: path.appending("hedging")) { () throws(ConfigurationError) in _ = try hedging.validated() }
                if hedging.hedgeDelay == .zero {  // the production default, which turns hedging off
                    invalid(path.appending("hedging").appending("hedgeDelay"), "must be set: 0 turns hedging off")
                }
                atLeast(hedging.maxHedge, 1, path.appending("hedging").appending("maxHedge"), maximum: 100)
            }
            if let upstream = stack.upstream {
                configuration(at: path.appending("upstream")) { () throws(ConfigurationError) in try upstream.check() }
                if upstream.retries > 100 {
                    invalid(path.appending("upstream").appending("retries"), "must be at most 100, got \(upstream.retries)")
                }
            }
            if let rateLimit = stack.rateLimit {
                let limitPath = path.appending("rateLimit")
                atLeast(rateLimit.limit, 1, limitPath.appending("limit"))
                if rateLimit.per < .seconds(1) || rateLimit.per > .seconds(86_400) {
                    invalid(limitPath.appending("per"), "must be between 1s and 1 day, got \(DurationText.format(rateLimit.per))")
                }
            }
            if let cache = stack.cache {
                let cachePath = path.appending("cache")
                atLeast(cache.byteBudget, 1, cachePath.appending("byteBudget"), maximum: 1 << 40)
                nonNegative(cache.staleIfError, cachePath.appending("staleIfError"))
                nonNegative(cache.staleWhileRevalidate, cachePath.appending("staleWhileRevalidate"))
                nonNegative(cache.staleIfUnreachable, cachePath.appending("staleIfUnreachable"))
                nonNegative(cache.lockTimeout, cachePath.appending("lockTimeout"))
                if let reaper = cache.reaper {
                    let reaperPath = cachePath.appending("reaper")
                    positive(reaper.interval, reaperPath.appending("interval"))
                    atLeast(reaper.sliceSize, 1, reaperPath.appending("sliceSize"), maximum: 1_000_000)
                    nonNegative(reaper.pauseBetweenSlices, reaperPath.appending("pauseBetweenSlices"))
                }
            }
            positive(stack.deadline, path.appending("deadline"))
            positive(stack.transportTimeout, path.appending("transportTimeout"))
        }

        // Expectations.
        for (index, expectation) in expectations.enumerated() {
            let path = ScenarioPath(["expect", .index(index)])
            let tag: String
            switch expectation {
            case .successRatio: tag = "successRatio"
            case .latency: tag = "latency"
            case .noTraffic, .noTrafficWhileOpen: tag = "noTraffic"
            case .allDown: tag = "allDown"
            case .maxInFlight: tag = "maxInFlight"
            case .better: tag = "better"
            case .cacheCount(let count, _, _, _): tag = count.rawValue
            case .cacheMemory(let measure, _, _, _, _): tag = measure.rawValue
            }
            let body = path.appending(tag)
            func checkStack(_ name: String?, field: String = "stack") {
                if let name {
                    if !stackNames.contains(name) {
                        problems.append(ScenarioProblem(
                            path: body.appending(field), kind: .unknownReference,
                            message: "unknown stack \"\(name)\" in \(body) (known stacks: \(stackNames.joined(separator: ", ")))"))
                    }
                } else if stacks.count > 1 {
                    problems.append(ScenarioProblem(
                        path: body, kind: .missingField,
                        message: "missing field \"stack\" in \(body): the scenario has several stacks (\(stackNames.joined(separator: ", ")))"))
                }
            }
            /// That the stack has a cache and, for what only a purging cache measures, that it purges or reaps.
            func checkCache(_ stack: String?, needsPurging: Bool) {
                let subject = stack.flatMap { name in stacks.first { $0.name == name } }
                    ?? (stacks.count == 1 ? stacks.first : nil)
                guard let subject else { return }
                let field = stack == nil ? body : body.appending("stack")
                if subject.cache == nil {
                    invalid(field, "stack \"\(subject.name)\" has no cache")
                } else if needsPurging, !tracksPurging(of: subject) {
                    invalid(field, "stack \"\(subject.name)\" has no reaper and the timeline never purges")
                }
            }
            func checkBounds(_ least: Int?, _ most: Int?) {
                if least == nil && most == nil {
                    problems.append(
                        ScenarioProblem(path: body, kind: .missingField, message: "\(body) needs atLeast, atMost or both"))
                }
                atLeast(least, 0, body.appending("atLeast"))
                atLeast(most, least ?? 0, body.appending("atMost"))
            }
            func checkTarget(_ name: String?) {
                if let name, !targets.contains(where: { $0.name == name }) {
                    problems.append(ScenarioProblem(
                        path: body.appending("target"), kind: .unknownReference,
                        message: "unknown target \"\(name)\" in \(body) (\(knownTargets))"))
                }
            }
            switch expectation {
            case .successRatio(let value, let window, let stack):
                checkStack(stack)
                ratio(value, body.appending("atLeast"))
                problems += window.problems(at: body)
            case .latency(let percentile, let atMost, let window, let stack):
                checkStack(stack)
                if !(percentile > 0 && percentile <= 100) {
                    invalid(body.appending("percentile"), "must be above 0 and at most 100, got \(percentile)")
                }
                nonNegative(atMost, body.appending("atMost"))
                problems += window.problems(at: body)
            case .noTraffic(let target, let window, let stack):
                checkStack(stack)
                checkTarget(target)
                problems += window.problems(at: body)
            case .noTrafficWhileOpen(let target, let stack):
                checkStack(stack)
                checkTarget(target)
            case .allDown(_, let value, let stack):
                checkStack(stack)
                if let value { ratio(value, body.appending("atLeast")) }
            case .maxInFlight(let atMost, let target, let stack):
                checkStack(stack)
                checkTarget(target)
                atLeast(atMost, 0, body.appending("atMost"))
            case .better(let stack, let than, _, let by, let window):
                checkStack(stack)
                checkStack(than, field: "than")
                if stack == than { invalid(body.appending("than"), "must name another stack than \"\(stack)\"") }
                if !(by >= 0 && by <= 1_000) { invalid(body.appending("by"), "must be between 0 and 1000, got \(by)") }
                problems += window.problems(at: body)
            case .cacheCount(let count, let least, let most, let stack):
                checkStack(stack)
                checkCache(stack, needsPurging: count == .servedAfterPurge)
                checkBounds(least, most)
            case .cacheMemory(_, let at, let least, let most, let stack):
                checkStack(stack)
                checkCache(stack, needsPurging: true)
                if at < .zero || at > duration + drain {
                    invalid(
                        body.appending("at"),
                        "must be between 0 and the end of the drain (\(DurationText.format(duration + drain))), "
                            + "got \(DurationText.format(at))")
                }
                checkBounds(least, most)
            }
        }

        // Report options (bounded so that no file can make the measurements outgrow memory).
        atLeast(report.buckets, 1, ["report", "buckets"], maximum: 10_000)
        if report.buckets >= 1, report.buckets * max(targets.count, 1) > 50_000 {
            invalid(["report", "buckets"], "\(report.buckets) buckets for \(targets.count) targets is too many (buckets × targets must be at most 50000)")
        }
        if report.resolution < .milliseconds(1) {
            invalid(["report", "resolution"], "must be at least 1ms, got \(DurationText.format(report.resolution))")
        } else if duration > .zero, drain >= .zero,
            (duration + drain).wholeNanoseconds / max(report.resolution.wholeNanoseconds, 1) * Int64(max(targets.count, 1)) > 50_000_000
        {
            invalid(["report", "resolution"], "\(DurationText.format(report.resolution)) is too fine for the duration and targets (ticks × targets must be at most 50000000)")
        }
        return problems
    }
}
