public import ParapetSimulation
extension RequestTrace {
    /// The names of the targets that answered, in order of first appearance.
    public var targetNames: [String] {
        var names: [String] = []
        var seen: Set<String> = []
        for entry in entries {
            if let target = entry.target, seen.insert(target).inserted { names.append(target) }
        }
        return names
    }

    /// One simulated target per traced target, whose ``BackendBehaviour/recorded(_:)`` behaviour replays that
    /// target's answers (status or failure, with its latency) — the same mix and latency distribution.
    /// Sheds and unfinished requests are not backend answers and are left out.
    public func replayTargets() -> [Scenario.Target] {
        var answers: [String: [RecordedAnswer]] = [:]
        for entry in entries {
            guard let target = entry.target else { continue }
            let outcome: FailureAnswer
            switch entry.outcome {
            case .status(let code): outcome = .status(code)
            case .refused: outcome = .refused
            case .reset: outcome = .reset
            case .timeout: outcome = .blackHole
            case .shed, .unfinished: continue
            }
            answers[target, default: []].append(RecordedAnswer(outcome: outcome, latency: entry.latency))
        }
        return targetNames.compactMap { name in
            answers[name].map { Scenario.Target(name, latency: .fixed(.zero), behaviour: .recorded($0)) }
        }
    }

    /// A workload replaying the trace's arrival times.
    public func replayWorkload(mix: [Scenario.Workload.MixEntry] = [.init()]) -> Scenario.Workload {
        Scenario.Workload(arrivals: .replay(entries.map(\.time)), mix: mix)
    }

    /// A scenario replaying the trace against `stacks`: ``replayTargets()``, ``replayWorkload(mix:)``, and a
    /// duration just past the last arrival.
    public func replayScenario(name: String, seed: UInt64 = 1, stacks: [Scenario.Stack], drain: Duration = .seconds(30)) -> Scenario {
        let last = entries.last?.time ?? .zero
        return Scenario(
            name: name, seed: seed, duration: last + .milliseconds(1), drain: drain, targets: replayTargets(),
            workload: replayWorkload(), stacks: stacks)
    }
}
