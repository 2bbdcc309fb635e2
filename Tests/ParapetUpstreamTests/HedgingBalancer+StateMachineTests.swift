import ParapetUpstream
import Testing

@Suite("HedgingBalancer.StateMachine")
struct HedgingBalancerStateMachineTests {
    @Test func hedgesLaunchOnTheTimerUntilTheBudgetIsSpent() {
        var race = HedgingBalancer.StateMachine(maxHedge: 2, hedgeOnError: true)
        #expect(race.start() == .launch(leg: 0, timer: 1))
        #expect(race.timerFired(1) == .launch(leg: 1, timer: 2))
        #expect(race.timerFired(2) == .launch(leg: 2, timer: nil))
        #expect(race.timerFired(3) == .wait)
        #expect(race.legFinished(2, won: true) == .finish(winner: 2))
        #expect(race.legFinished(0, won: true) == .wait)  // decided: late legs change nothing
    }

    @Test func aLosingLegLaunchesTheNextAtOnceAndSupersedesTheTimer() {
        var race = HedgingBalancer.StateMachine(maxHedge: 2, hedgeOnError: true)
        _ = race.start()
        #expect(race.legFinished(0, won: false) == .launch(leg: 1, timer: 2))
        #expect(race.timerFired(1) == .wait)  // the timer armed with the primary is stale
        #expect(race.timerFired(2) == .launch(leg: 2, timer: nil))
    }

    @Test func withoutHedgeOnErrorALoserWaitsForTheTimer() {
        var race = HedgingBalancer.StateMachine(maxHedge: 1, hedgeOnError: false)
        _ = race.start()
        #expect(race.legFinished(0, won: false) == .wait)
        #expect(race.timerFired(1) == .launch(leg: 1, timer: nil))
        #expect(race.legFinished(1, won: false) == .exhausted)
    }

    @Test func theRaceIsExhaustedOnlyWhenEveryLegLost() {
        var race = HedgingBalancer.StateMachine(maxHedge: 1, hedgeOnError: true)
        _ = race.start()
        _ = race.timerFired(1)
        #expect(race.legFinished(1, won: false) == .wait)
        #expect(race.legFinished(0, won: false) == .exhausted)
        #expect(race.launched == 2 && race.finished == 2)
    }

    @Test func aHedgeBudgetBelowOneCountsAsOne() {
        #expect(HedgingBalancer.StateMachine(maxHedge: 0, hedgeOnError: true).maxLegs == 2)
    }
}
