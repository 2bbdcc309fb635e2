import ParapetCore
@testable import ParapetSimulation
import Testing

@Suite("LatencyHistogram")
struct LatencyHistogramTests {
    @Test("percentiles of 1…10000 µs are within the bucket precision")
    func percentilesAreAccurate() {
        var histogram = LatencyHistogram()
        for micros in 1...10_000 { histogram.record(.microseconds(micros)) }
        #expect(histogram.count == 10_000)
        for (percentile, exact) in [(50.0, 5_000.0), (90, 9_000), (99, 9_900), (99.9, 9_990)] {
            let measured = Double(histogram.percentile(percentile).wholeNanoseconds / 1_000)
            #expect(abs(measured - exact) / exact < 0.008, "p\(percentile) = \(measured)")
        }
        #expect(histogram.maximum == .microseconds(10_000))
        #expect(histogram.minimum == .microseconds(1))
        #expect(histogram.mean == .microseconds(5_000))
    }

    @Test("a constant latency reads exactly")
    func constantIsExact() {
        var histogram = LatencyHistogram()
        for _ in 0..<100 { histogram.record(.milliseconds(200)) }
        #expect(histogram.percentile(50) == .milliseconds(200))
        #expect(histogram.percentile(99.9) == .milliseconds(200))
    }

    @Test("bucket indices are monotonic and representatives fall inside their bucket")
    func bucketsAreConsistent() {
        var previous = -1
        for micros in Array(0..<300) + Array(stride(from: 300, to: 1 << 34, by: 1_048_573)) {
            let index = LatencyHistogram.index(of: micros)
            #expect(index >= previous)
            previous = index
            let representative = LatencyHistogram.representative(of: index)
            #expect(LatencyHistogram.index(of: representative) == index)
        }
        #expect(LatencyHistogram.index(of: .max) == LatencyHistogram.bucketCount - 1)
    }

    @Test("merging adds counts")
    func merging() {
        var left = LatencyHistogram()
        var right = LatencyHistogram()
        left.record(.milliseconds(1))
        right.record(.milliseconds(3))
        right.record(.milliseconds(5))
        left.merge(right)
        #expect(left.count == 3)
        #expect(left.maximum == .milliseconds(5))
        #expect(left.minimum == .milliseconds(1))
        #expect(LatencyHistogram().percentile(50) == .zero)
    }
}
