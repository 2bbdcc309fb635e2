import Testing

@testable import ParapetSimulation

@Suite("Cache-Status as the simulator counts it")
struct CacheAnswerTests {
    @Test(
        "each Cache-Status the cache gives is one kind of answer",
        arguments: [
            ("parapet; hit; ttl=120", CacheAnswer.hit),
            ("parapet; hit; ttl=0", .hit),
            ("parapet; fwd=uri-miss; fwd-status=200; stored; ttl=60", .miss),
            ("parapet; fwd=vary-miss; fwd-status=200", .miss),
            ("parapet; fwd=uri-miss; fwd-status=200; collapsed; ttl=60", .collapsed),
            ("parapet; hit; collapsed; ttl=59", .collapsed),
            ("parapet; hit; ttl=-3; detail=stale-while-revalidate", .stale(.staleWhileRevalidate, staleness: 3)),
            (
                "parapet; fwd=stale; fwd-status=503; ttl=-40; detail=stale-if-error",
                .stale(.staleIfError, staleness: 40)
            ),
            (
                "parapet; fwd=stale; fwd-status=502; ttl=-1; detail=origin-unreachable",
                .stale(.originUnreachable, staleness: 1)
            ),
            ("parapet; fwd=stale; ttl=-7; detail=origin-unreachable", .stale(.originUnreachable, staleness: 7)),
            ("parapet; hit; ttl=-3", .stale(.maxStale, staleness: 3)),
            ("parapet; fwd=stale; fwd-status=304; ttl=60", .revalidated),
            ("parapet; fwd=stale; fwd-status=200; stored; ttl=60", .revalidated),
            ("parapet; fwd=method; fwd-status=201", .forwarded),
            ("parapet; fwd=request; fwd-status=200", .forwarded),
            ("parapet; detail=only-if-cached", .forwarded),
            ("origin-cache; hit, parapet;fwd=uri-miss ;fwd-status=200", .miss),
        ])
    func classifies(_ field: String, _ answer: CacheAnswer) {
        #expect(CacheAnswer(cacheStatus: field) == answer)
    }

    @Test("a tally counts stale answers by reason and keeps how stale they were")
    func tally() {
        var tally = CacheTally()
        for field in [
            "parapet; hit; ttl=5", "parapet; hit; ttl=-2; detail=stale-while-revalidate",
            "parapet; fwd=stale; fwd-status=503; ttl=-9; detail=stale-if-error",
            "parapet; fwd=uri-miss; fwd-status=200",
        ] {
            tally.record(CacheAnswer(cacheStatus: field))
        }
        let report = CacheReport(byteBudget: 1_024, tally: tally)
        #expect([report.hits, report.misses, report.staleAnswers] == [1, 1, 2] as [Int])
        #expect(report.staleReasons.map(\.status) == ["stale-while-revalidate", "stale-if-error"])
        #expect([report.maxStaleness, report.meanStaleness] == [Duration.seconds(9), .milliseconds(5_500)])
        #expect(CacheCount.allCases.map(report.count) == [0, 1, 1, 2, 0, 0])
    }
}
