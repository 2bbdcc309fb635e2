// The h2c upgrade: the request-head parser (H2CUpgradeRequest), the early request-line scanner and the
// `HTTP2-Settings` decoder. A head the parser accepts must also pass the scanner (which decides early on the
// same bytes), and its HEADERS frame must be consistent with its own length field.
import FuzzSupport
import NIOCore

@testable import ParapetNIO

fuzz { raw in
    let bytes = Array(raw)

    if let settings = HTTP2SettingsHeader.decode(bytes) {
        precondition(settings.allSatisfy(\.isLegal), "an illegal setting was accepted")
    }

    var scanner = H2CUpgradeRequest.RequestLineScanner()
    var verdicts: [H2CUpgradeRequest.RequestLineScanner.Verdict] = []
    for byte in bytes {
        verdicts.append(scanner.scan(CollectionOfOne(byte)))
    }
    var wholeScanner = H2CUpgradeRequest.RequestLineScanner()
    precondition(wholeScanner.scan(bytes) == scanner.verdict, "byte-wise and whole scans disagree")

    guard let request = H2CUpgradeRequest(head: bytes) else { return }
    precondition(scanner.verdict == .canQualify, "an upgradable head the scanner rules out")
    precondition(request.headerFields.prefix(4).map(\.name) == [":method", ":scheme", ":path", ":authority"])
    if var frame = request.headersFrame(maxHeaderListSize: .max) {
        let length = Int(frame.readInteger(as: UInt8.self)!) << 16 | Int(frame.readInteger(as: UInt16.self)!)
        precondition(length == frame.readableBytes - 6, "HEADERS length \(length) for \(frame.readableBytes - 6) bytes")
    }
}
