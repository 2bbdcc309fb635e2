import HTTPTypes
import NIOCore
import ParapetCore
import Synchronization
import Testing

@testable import ParapetCache

@Suite("MemoryCacheStore")
struct MemoryCacheStoreTests {
    func response(bytes: Int, language: String? = nil) -> CachedResponse {
        let request: HTTPFields = language.map { [.acceptLanguage: $0] } ?? [:]
        let fields: HTTPFields = language == nil ? [:] : [.vary: "Accept-Language"]
        return CachedResponse(
            status: .ok, headerFields: fields, control: CacheControl(lines: []),
            body: ByteBuffer(repeating: 0, count: bytes),
            age: ResponseAge(fields: [:], requestSent: .zero, responseReceived: .zero, receivedAtWallTime: .init(secondsSinceEpoch: 0)),
            freshnessLifetime: .seconds(60), variant: Variant(vary: fields, request: request))
    }

    @Test func theLeastRecentlyUsedKeyGoesFirstWhenTheBudgetIsPassed() {
        let entry = response(bytes: 1000)
        let store = MemoryCacheStore(byteBudget: 3 * entry.cost)
        store.store(entry, for: "a")
        store.store(entry, for: "b")
        store.store(entry, for: "c")
        #expect(store.storedBytes == 3 * entry.cost)
        _ = store.responses(for: "a")   // a is now the most recently used
        store.store(entry, for: "d")
        #expect(store.responses(for: "b").isEmpty)
        #expect(store.responses(for: "a").count == 1)
        #expect(store.responses(for: "c").count == 1)
        #expect(store.responses(for: "d").count == 1)
        #expect(store.count == 3)
    }

    @Test func variantsShareAKeyAndANewerResponseReplacesItsVariant() {
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        store.store(response(bytes: 1, language: "en"), for: "a")
        store.store(response(bytes: 2, language: "th"), for: "a")
        store.store(response(bytes: 3, language: "en"), for: "a")
        let stored = store.responses(for: "a")
        #expect(stored.map(\.body.readableBytes) == [3, 2])
        #expect(store.storedBytes == stored.map(\.cost).reduce(0, +))
        store.removeAll(for: "a")
        #expect(store.count == 0)
        #expect(store.storedBytes == 0)
    }

    @Test func aKeyKeepsAtMostItsVariantCapTheNewestFirst() {
        let store = MemoryCacheStore(byteBudget: 1 << 30)
        for language in 0..<40 { store.store(response(bytes: language, language: "l\(language)"), for: "a") }
        let stored = store.responses(for: "a")
        #expect(stored.count == LRUEntries<CachedResponse>.maxVariants)
        #expect(stored.first?.body.readableBytes == 39)
        #expect(store.count == LRUEntries<CachedResponse>.maxVariants)
    }

    @Test func aResponseLargerThanTheBudgetIsNotKept() {
        let store = MemoryCacheStore(byteBudget: 500)
        store.store(response(bytes: 1000), for: "a")
        #expect(store.count == 0)
    }

    @Test func aSweepInSlicesVisitsEveryKeyOnceAndForgetsOnlyWhatItPicks() {
        let store = MemoryCacheStore(byteBudget: 1 << 20)
        for key in 0..<10 { store.store(response(bytes: key), for: "k\(key)") }
        store.store(response(bytes: 100, language: "en"), for: "k3")
        _ = store.responses(for: "k0")   // a use must not move a key within the walk
        let seen = Mutex<[String]>([])
        var position = 0
        var slices = 0
        var removed = 0
        while true {
            let slice = store.sweep(from: position, limit: 3) { key, response in
                seen.withLock { $0.append(key) }
                return response.body.readableBytes % 2 == 1 || response.body.readableBytes == 100
            }
            slices += 1
            removed += slice.removed
            guard let next = slice.next else { break }
            position = next
        }
        #expect(slices == 4)
        #expect(Set(seen.withLock { $0 }).count == 10)
        #expect(removed == 6)
        #expect(store.count == 5)
        #expect(store.responses(for: "k3").isEmpty)
        #expect(store.responses(for: "k4").count == 1)
        #expect(store.storedBytes == (0..<10).filter { $0 % 2 == 0 }.map { response(bytes: $0).cost }.reduce(0, +))
    }
}
