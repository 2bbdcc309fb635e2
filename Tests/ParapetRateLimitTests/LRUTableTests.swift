import ParapetCore
import ParapetSimulation
import Testing

@testable import ParapetRateLimit

@Suite("LRUTable")
struct LRUTableTests {
    struct Item: Equatable {
        var key: Int
        var uses = 0
    }

    @discardableResult
    static func use(_ table: inout LRUTable<Int, Item>, _ key: Int) -> Int {
        table.update(key, initial: Item(key: key)) { item in
            item.uses += 1
            return item.uses
        }
    }

    @Test func aNewKeyInAFullTableEvictsTheLeastRecentlyUsed() {
        var table = LRUTable<Int, Item>(capacity: 3)
        for key in [1, 2, 3] { Self.use(&table, key) }
        #expect(Self.use(&table, 1) == 2)  // 1 is now the most recent; 2 the least
        Self.use(&table, 4)
        #expect(!table.contains(2) && table.contains(1) && table.contains(3) && table.contains(4))
        #expect(table.count == 3)
        Self.use(&table, 5)  // evicts 3
        #expect(!table.contains(3))
        #expect(Self.use(&table, 2) == 1)  // forgotten: starts afresh, evicting 1
        #expect(!table.contains(1) && table.count == 3)
    }

    @Test func aCapacityBelowOneHoldsOneKey() {
        var table = LRUTable<Int, Item>(capacity: 0)
        Self.use(&table, 1)
        Self.use(&table, 2)
        #expect(table.count == 1 && table.contains(2))
    }

    @Test func aSweepExaminesABoundedNumberOfKeysPerCallOldestFirst() {
        var table = LRUTable<Int, Item>(capacity: 100)
        for key in 0..<10 { Self.use(&table, key) }
        Self.use(&table, 0)  // order: 1 … 9, 0
        table.beginSweep()
        var examined: [Int] = []
        var calls = 0
        var isOver = false
        while !isOver {
            calls += 1
            isOver = table.continueSweep(examining: 3) { item in
                examined.append(item.key)
                return item.key.isMultiple(of: 2)
            }
        }
        #expect(calls == 4)
        #expect(examined == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0])
        #expect(table.count == 5 && (0..<10).allSatisfy { table.contains($0) == !$0.isMultiple(of: 2) })
        // A finished pass examines nothing more until the next begins.
        #expect(
            table.continueSweep(examining: 10) { _ in
                Issue.record("examined after the pass"); return true
            })
    }

    @Test func keysUsedDuringAPassCannotKeepItGoingForEver() {
        var table = LRUTable<Int, Item>(capacity: 100)
        for key in 0..<4 { Self.use(&table, key) }
        table.beginSweep()
        var examined = 0
        var isOver = false
        while !isOver {
            // Each key examined is used again at once, so it moves behind the cursor.
            isOver = table.continueSweep(examining: 1) { _ in
                examined += 1
                return false
            }
            for key in 0..<4 { Self.use(&table, key) }
        }
        #expect(examined == 4)
    }

    /// The table against a plain model of the same rules, under random uses and sweeps.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func matchesAModel(seed: UInt64) {
        let capacity = 8
        var random = Simulation(seed: seed).runtime.random.generator(for: "lru-table")
        var table = LRUTable<Int, Item>(capacity: capacity)
        var order: [Int] = []  // oldest first
        var uses: [Int: Int] = [:]
        var cursor: Int?
        var budget = 0
        func newer(than key: Int) -> Int? {
            guard let index = order.firstIndex(of: key), index + 1 < order.count else { return nil }
            return order[index + 1]
        }
        for step in 0..<20_000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                table.beginSweep()
                cursor = order.first
                budget = order.count
            case 1, 2:
                let limit = Int.random(in: 0..<4, using: &random)
                let removable = Set((0..<12).filter { _ in Bool.random(using: &random) })
                var examined: [Int] = []
                let isOver = table.continueSweep(examining: limit) { item in
                    examined.append(item.key)
                    return removable.contains(item.key)
                }
                var expected: [Int] = []
                while let key = cursor, budget > 0, expected.count < limit {
                    cursor = newer(than: key)
                    budget -= 1
                    expected.append(key)
                    if removable.contains(key) {
                        order.removeAll { $0 == key }
                        uses[key] = nil
                    }
                }
                let expectedOver = cursor == nil || budget == 0
                if expectedOver { cursor = nil }
                #expect(examined == expected, "step \(step)")
                #expect(isOver == expectedOver, "step \(step)")
            default:
                let key = Int.random(in: 0..<12, using: &random)
                if order.last == key {
                    order.removeLast()  // already the most recent: nothing moves
                } else if order.contains(key) {
                    if cursor == key { cursor = newer(than: key) }
                    order.removeAll { $0 == key }
                } else if order.count == capacity {
                    let evicted = order.removeFirst()
                    if cursor == evicted { cursor = order.first }
                    uses[evicted] = nil
                }
                order.append(key)
                uses[key, default: 0] += 1
                #expect(Self.use(&table, key) == uses[key], "step \(step)")
            }
            #expect(table.count == order.count, "step \(step)")
            #expect((0..<12).allSatisfy { table.contains($0) == order.contains($0) }, "step \(step)")
        }
    }
}
