import ParapetCore
import ParapetSimulation
import Testing

@Suite("SimulationTrace")
struct SimulationTraceTests {
    private static let entries = [
        SimulationTrace.Entry(time: .zero, task: "root", event: "start"),
        SimulationTrace.Entry(time: .zero.advanced(by: .milliseconds(1_500)), task: "w1", event: "wake 42"),
        SimulationTrace.Entry(time: .seconds(3), task: "w2", event: "cancelled"),
    ]

    @Test("the hash is FNV-1a over the documented canonical encoding")
    func canonicalHash() {
        let trace = SimulationTrace(clock: VirtualClock(executor: SimulationExecutor()))
        for entry in Self.entries {
            trace.record(entry.event, task: entry.task, at: entry.time)
        }
        var expected = FNV1a64()
        for entry in Self.entries {
            let (seconds, attoseconds) = entry.time.offset.components
            var bytes: [UInt8] = []
            for word in [UInt64(bitPattern: seconds), UInt64(bitPattern: attoseconds), UInt64(entry.task.utf8.count)] {
                bytes += withUnsafeBytes(of: word.littleEndian, Array.init)
            }
            bytes += Array(entry.task.utf8)
            bytes += withUnsafeBytes(of: UInt64(entry.event.utf8.count).littleEndian, Array.init)
            bytes += Array(entry.event.utf8)
            expected.combine(bytes: bytes)
        }
        #expect(trace.hash == expected.value)
        #expect(trace.count == 3)
        #expect(trace.entries == Self.entries)
        #expect(trace.hashDescription.count == 16)
        #expect(UInt64(trace.hashDescription, radix: 16) == trace.hash)
    }

    @Test("the hash depends on order and on every field")
    func sensitivity() {
        func hash(_ entries: [SimulationTrace.Entry]) -> UInt64 {
            let trace = SimulationTrace(clock: VirtualClock(executor: SimulationExecutor()), keepsEntries: false)
            entries.forEach(trace.record)
            return trace.hash
        }
        let base = hash(Self.entries)
        #expect(hash([Self.entries[1], Self.entries[0], Self.entries[2]]) != base)
        var moved = Self.entries
        moved[2].time = moved[2].time.advanced(by: .nanoseconds(1))
        #expect(hash(moved) != base)
        var renamed = Self.entries
        renamed[1].task = "w3"
        #expect(hash(renamed) != base)
        // Field boundaries are length-prefixed: ("ab", "c") and ("a", "bc") differ.
        let left = [SimulationTrace.Entry(time: .zero, task: "ab", event: "c")]
        let right = [SimulationTrace.Entry(time: .zero, task: "a", event: "bc")]
        #expect(hash(left) != hash(right))
    }

    @Test("a trace without entries keeps the same count and hash")
    func withoutEntries() {
        let clock = VirtualClock(executor: SimulationExecutor())
        let full = SimulationTrace(clock: clock)
        let light = SimulationTrace(clock: clock, keepsEntries: false)
        for entry in Self.entries {
            full.record(entry)
            light.record(entry)
        }
        #expect(light.entries.isEmpty)
        #expect(light.count == full.count)
        #expect(light.hash == full.hash)
    }

    @Test("record(_:task:) timestamps with virtual time")
    func timestamps() throws {
        let simulation = Simulation(seed: 1)
        try simulation.run { runtime in
            simulation.trace.record("start", task: "root")
            try await runtime.clock.sleep(for: .seconds(2))
            simulation.trace.record("stop", task: "root")
        }
        #expect(simulation.trace.entries.map(\.time) == [.zero, .seconds(2)])
        #expect(simulation.trace.entries.map(\.description) == ["+0.0 seconds root start", "+2.0 seconds root stop"])
    }
}
