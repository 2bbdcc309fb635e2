import ParapetCore
import ParapetSimulation
import Testing

@Suite("SeededRandomSource")
struct SeededRandomSourceTests {
    private func draws(_ source: some RandomSource, count: Int = 64) -> [UInt64] {
        (0..<count).map { _ in source.next() }
    }

    @Test("the same seed gives the same sequence")
    func sameSeedSameSequence() {
        #expect(draws(SeededRandomSource(seed: 42)) == draws(SeededRandomSource(seed: 42)))
    }

    @Test("different seeds give different sequences")
    func differentSeedDifferentSequence() {
        let first = draws(SeededRandomSource(seed: 42))
        let second = draws(SeededRandomSource(seed: 43))
        #expect(first != second)
        #expect(zip(first, second).filter { $0 == $1 }.isEmpty)
    }

    @Test("the sequence is pinned: xoshiro256** seeded through SplitMix64, independent of the process")
    func goldenValues() {
        let source = SeededRandomSource(seed: 42)
        #expect(draws(source, count: 3) == [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1])
        #expect(SeededRandomSource.derivedSeed(parent: 42, component: "balancer") == 0xba3b_b68a_1d4f_146f)
        let balancer = SeededRandomSource(seed: 42).stream(named: "balancer")
        #expect(draws(balancer, count: 3) == [0x9e27_d92d_a0ee_4a1b, 0xcbfe_a7b4_ed9b_8fdf, 0xf649_0cef_0f2f_e95c])
    }

    @Test("adding a named stream does not perturb another stream or the parent")
    func namedStreamsAreIndependent() {
        let alone = SeededRandomSource(seed: 7)
        let aloneCache = alone.stream(named: "cache")
        var expectedCache: [UInt64] = []
        var expectedParent: [UInt64] = []
        for _ in 0..<32 {
            expectedCache.append(aloneCache.next())
            expectedParent.append(alone.next())
        }

        let crowded = SeededRandomSource(seed: 7)
        let newcomer = crowded.stream(named: "hedging")  // a component added later
        let crowdedCache = crowded.stream(named: "cache")
        var cache: [UInt64] = []
        var parent: [UInt64] = []
        for _ in 0..<32 {
            _ = newcomer.next()
            cache.append(crowdedCache.next())
            _ = newcomer.next()
            parent.append(crowded.next())
        }
        #expect(cache == expectedCache)
        #expect(parent == expectedParent)
        #expect(draws(crowded.stream(named: "hedging"), count: 8) != draws(crowded.stream(named: "cache"), count: 8))
    }

    @Test("asking for the same name again continues the same stream")
    func sameNameSameStream() {
        let source = SeededRandomSource(seed: 3)
        let first = source.stream(named: "probe").next()
        let second = source.stream(named: "probe").next()
        var reference = Xoshiro256StarStar(seed: SeededRandomSource.derivedSeed(parent: 3, component: "probe"))
        #expect([first, second] == [reference.next(), reference.next()])
    }

    @Test("the generator adapter works with the standard library's using: APIs")
    func generatorAdapter() {
        var first = SeededRandomSource(seed: 11).generator(for: "dice")
        var second = SeededRandomSource(seed: 11).generator(for: "dice")
        let rolls = (0..<20).map { _ in Int.random(in: 1...6, using: &first) }
        #expect(rolls == (0..<20).map { _ in Int.random(in: 1...6, using: &second) })
        #expect(rolls.allSatisfy { (1...6).contains($0) })
        #expect(Set(rolls).count > 1)
    }
}
