import ParapetSimulation
import Testing

@Suite("Stable hashing and generators")
struct HashAndGeneratorTests {
    @Test("FNV-1a 64 matches the published test vectors")
    func fnvVectors() {
        #expect(FNV1a64().value == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a64.hash("foobar") == 0x8594_4171_f739_67e8)
        var bytes = FNV1a64()
        bytes.combine(bytes: Array("foobar".utf8))
        #expect(bytes.value == FNV1a64.hash("foobar"))
    }

    @Test("SplitMix64 matches the reference output for seed 0")
    func splitMixVector() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xe220_a839_7b1d_cdaf)
        #expect(generator.next() == 0x6e78_9e6a_a1b9_65f4)
        #expect(generator.next() == 0x06c4_5d18_8009_454f)
    }

    @Test("xoshiro256** matches the reference output for state (1, 2, 3, 4)")
    func xoshiroVector() {
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        let words = (0..<5).map { _ in generator.next() }
        #expect(words == [11_520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360])
    }
}
