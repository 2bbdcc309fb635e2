@testable import ParapetSimulation
import Testing

@Suite("CapacitySchedule")
struct CapacityScheduleTests {
    let ms: Int64 = 1_000_000

    @Test("requests beyond the slots queue in FIFO order, then are turned away")
    func queuesThenRejects() {
        var schedule = CapacitySchedule(concurrency: 2, queue: 2)
        #expect(schedule.admit(at: 0, service: 100 * ms) == 100 * ms)  // slot 1
        #expect(schedule.admit(at: 0, service: 100 * ms) == 100 * ms)  // slot 2
        #expect(schedule.admit(at: 0, service: 50 * ms) == 150 * ms)  // waits for a slot
        #expect(schedule.admit(at: 0, service: 50 * ms) == 150 * ms)
        #expect(schedule.queueLength(at: 0) == 2)
        #expect(schedule.admit(at: 0, service: 50 * ms) == nil)  // queue full
        #expect(schedule.queueLength(at: 100 * ms) == 0)  // both started at 100ms
        #expect(schedule.admit(at: 100 * ms, service: 10 * ms) == 160 * ms)  // next free slot at 150ms
    }

    @Test("an idle slot serves at once")
    func idleServesAtOnce() {
        var schedule = CapacitySchedule(concurrency: 1, queue: 0)
        #expect(schedule.admit(at: 5 * ms, service: 10 * ms) == 15 * ms)
        #expect(schedule.admit(at: 6 * ms, service: 10 * ms) == nil)
        #expect(schedule.admit(at: 15 * ms, service: 10 * ms) == 25 * ms)
    }

    @Test("resizing keeps the busy slots")
    func resizing() {
        var schedule = CapacitySchedule(concurrency: 1, queue: 0)
        _ = schedule.admit(at: 0, service: 100 * ms)
        var bigger = schedule.resized(concurrency: 2, queue: 0)
        #expect(bigger.admit(at: 10 * ms, service: 10 * ms) == 20 * ms)  // the new slot is free
        #expect(bigger.admit(at: 10 * ms, service: 10 * ms) == nil)  // the old one is still busy
    }
}
