// `Range` request fields (ByteRangeRequest) against a representation whose size the first eight bytes choose:
// a partial answer is always a non-empty range inside the representation.
import FuzzSupport

@testable import ParapetCore

fuzz { raw in
    var input = FuzzInput(raw)
    let size = Int64(input.integer(UInt64.self) & UInt64(Int64.max))
    let field = input.remainingText
    switch ByteRangeRequest(field: field, size: size) {
    case .partial(let range):
        precondition(range.lowerBound >= 0 && range.upperBound < size, "\(range) outside \(size) bytes for \(field)")
    case .whole, .unsatisfiable:
        break
    }
}
