// PROXY protocol v1 and v2 (ProxyProtocolParser): the bytes are the start of a connection. The parser sees
// them once whole and once as they would trickle in (prefixes growing by a step the first byte chooses), and
// must reach the same decision both ways, consuming no more than it was given.
import FuzzSupport

@testable import ParapetNIO

fuzz { raw in
    var input = FuzzInput(raw)
    let step = Int(input.integer(UInt8.self) % 17) + 1
    let bytes = input.remainingBytes

    var whole = ProxyProtocolParser()
    let decision = whole.parse(bytes)
    if case .header(_, let consumed) = decision {
        precondition(consumed > 0 && consumed <= bytes.count, "consumed \(consumed) of \(bytes.count) bytes")
    }
    precondition(whole.parse(bytes) == decision, "a decided parser changed its mind")

    var trickled = ProxyProtocolParser()
    var received = 0
    var last = ProxyProtocolParser.Decision.needMoreData
    while received < bytes.count, last == .needMoreData {
        received = min(received + step, bytes.count)
        last = trickled.parse(bytes[..<received])
    }
    if received == bytes.count || last != .needMoreData {
        precondition(last == decision, "whole: \(decision), trickled: \(last)")
    }
}
