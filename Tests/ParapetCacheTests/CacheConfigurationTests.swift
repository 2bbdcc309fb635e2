import ParapetCore
import ParapetTesting
import Testing

@testable import ParapetCache

@Suite("Cache: configuration")
struct CacheConfigurationTests {
    @Test func everyBadOptionIsNamedWhenTheChainIsBuilt() async throws {
        let cache = Cache(
            store: MemoryCacheStore(byteBudget: 1 << 20),
            options: Cache.Options(name: "my cache", maxObjectSize: 0, heuristicLimit: .seconds(-1)))
        let error = await #expect(throws: ChainBuildError.self) {
            try await Middlewares([cache]).test { _ in }
        }
        let text = try #require(error).description
        #expect(text.contains("name"))
        #expect(text.contains("maxObjectSize"))
        #expect(text.contains("heuristicLimit"))
    }
}
