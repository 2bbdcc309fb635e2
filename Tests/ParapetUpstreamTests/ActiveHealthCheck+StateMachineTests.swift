import ParapetUpstream
import Testing

@Suite("Health-check streak")
struct ActiveHealthCheckStateMachineTests {
    @Test("three failures in a row take a target down; one success brings it back")
    func defaults() {
        var streak = ActiveHealthCheck.StateMachine(isUp: true, healthyThreshold: 1, unhealthyThreshold: 3)
        let results = [false, false, false, false, true, true].map { streak.record(healthy: $0) }
        #expect(results == [nil, nil, .down, nil, .up, nil])
    }

    @Test("alternating results never cross a threshold above 1")
    func alternatingNeverCrosses() {
        var streak = ActiveHealthCheck.StateMachine(isUp: true, healthyThreshold: 2, unhealthyThreshold: 2)
        let results = (0..<10).compactMap { streak.record(healthy: $0.isMultiple(of: 2)) }
        #expect(results.isEmpty)
        #expect(streak.isUp)
    }

    @Test("a target starting down comes up after the healthy threshold")
    func startingDown() {
        var streak = ActiveHealthCheck.StateMachine(isUp: false, healthyThreshold: 2, unhealthyThreshold: 0)
        #expect(streak.unhealthyThreshold == 1)
        #expect(streak.record(healthy: true) == nil)
        #expect(streak.record(healthy: true) == .up)
        #expect(streak.record(healthy: false) == .down)
    }
}
