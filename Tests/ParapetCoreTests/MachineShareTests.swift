import Testing

@testable import ParapetTestSupport

@Suite("MachineShare admission: timing-sensitive tests together, a CPU-heavy one alone, in the order they asked")
struct MachineShareTests {
    /// Drives the admission machine, recording which tests have started.
    struct Driver {
        var machine = MachineShare.StateMachine<String>()
        var started: [String] = []

        mutating func ask(_ kind: MachineShare.Kind, _ name: String) {
            if machine.request(kind, waiter: name) { started.append(name) }
        }

        mutating func finish(_ kind: MachineShare.Kind) {
            started += machine.finished(kind)
        }
    }

    @Test func timingSensitiveTestsRunTogetherAndAHeavyOneWaitsForAllOfThem() {
        var driver = Driver()
        driver.ask(.timingSensitive, "t1")
        driver.ask(.timingSensitive, "t2")
        driver.ask(.cpuHeavy, "h")
        #expect(driver.started == ["t1", "t2"])
        driver.finish(.timingSensitive)
        #expect(driver.started == ["t1", "t2"])
        driver.finish(.timingSensitive)
        #expect(driver.started == ["t1", "t2", "h"])
    }

    @Test func aHeavyTestRunsAloneAndThenTheNextInLineStarts() {
        var driver = Driver()
        driver.ask(.cpuHeavy, "h1")
        driver.ask(.cpuHeavy, "h2")
        driver.ask(.timingSensitive, "t1")
        #expect(driver.started == ["h1"])
        driver.finish(.cpuHeavy)
        #expect(driver.started == ["h1", "h2"])
        driver.finish(.cpuHeavy)
        #expect(driver.started == ["h1", "h2", "t1"])
    }

    @Test func aWaitingHeavyTestIsNotOvertakenByLaterTimingSensitiveOnes() {
        var driver = Driver()
        driver.ask(.timingSensitive, "t1")
        driver.ask(.cpuHeavy, "h")
        driver.ask(.timingSensitive, "t2")
        driver.ask(.timingSensitive, "t3")
        #expect(driver.started == ["t1"])
        driver.finish(.timingSensitive)
        #expect(driver.started == ["t1", "h"])
        driver.finish(.cpuHeavy)
        #expect(driver.started == ["t1", "h", "t2", "t3"])
    }
}
