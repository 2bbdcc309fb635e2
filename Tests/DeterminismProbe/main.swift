// determinism-probe: runs the DeterminismWorkload once and prints its trace hash, so that tests (and
// people) can compare runs across processes.
//
//     determinism-probe --seed 42 [--duration 3600] [--tasks 10000] [--mean-sleep 30]
//
// Wall time is measured here, outside the simulation module, with the real clock.
import Foundation
import ParapetSimulation
import SimulationFixtures

func usage() -> Never {
    print("usage: determinism-probe --seed N [--duration SECONDS] [--tasks N] [--mean-sleep SECONDS]")
    exit(2)
}

var seed: UInt64?
var workload = DeterminismWorkload()
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { usage() }
    switch flag {
    case "--seed":
        guard let parsed = UInt64(value) else { usage() }
        seed = parsed
    case "--duration":
        guard let seconds = Int64(value), seconds >= 0 else { usage() }
        workload.duration = .seconds(seconds)
    case "--tasks":
        guard let count = Int(value), count >= 0 else { usage() }
        workload.taskCount = count
    case "--mean-sleep":
        guard let seconds = Int64(value), seconds > 0 else { usage() }
        workload.meanSleep = .seconds(seconds)
    default:
        usage()
    }
}
guard let seed else { usage() }

let wall = ContinuousClock()
let start = wall.now
let outcome = try workload.run(seed: seed)
let elapsed = wall.now - start
let (wholeSeconds, attoseconds) = elapsed.components
let wallSeconds = Double(wholeSeconds) + Double(attoseconds) / 1e18
let events = outcome.statistics.eventsProcessed

print("seed: \(seed)")
print("trace-hash: \(outcome.traceHashDescription)")
print("trace-entries: \(outcome.traceCount)")
print("events: \(events)")
print("virtual-time: \(outcome.statistics.virtualTimeElapsed)")
print("tasks-spawned: \(outcome.statistics.tasksSpawned)")
print("wall-seconds: \(wallSeconds)")
print("events-per-second: \(Int(Double(events) / max(wallSeconds, 1e-9)))")
