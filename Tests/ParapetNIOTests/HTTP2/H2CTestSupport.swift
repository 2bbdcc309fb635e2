import NIOCore

@testable import ParapetNIO

/// Byte strings the cleartext HTTP/2 tests share.
enum H2CTestBytes {
    /// The client connection preface.
    static let preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    /// What curl 7.88 sends for `curl --http2 http://127.0.0.1:8080/hello`.
    static let curlUpgradeHead =
        "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n"
        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"

    /// An h2c upgrade head for `GET path` with `extra` header lines (each ending in CRLF) before the blank line.
    static func upgradeHead(method: String = "GET", path: String = "/", extra: String = "") -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\(extra)\r\n"
    }

    /// A SETTINGS frame (not an ACK) carrying MAX_CONCURRENT_STREAMS = 100 and INITIAL_WINDOW_SIZE = 1 MiB.
    static var settingsFrame: [UInt8] {
        [0, 0, 12, 0x4, 0, 0, 0, 0, 0] + [0, 3, 0, 0, 0, 100] + [0, 4, 0, 0x10, 0, 0]
    }

    /// A connection-level WINDOW_UPDATE frame adding 1 MiB.
    static var windowUpdateFrame: [UInt8] {
        [0, 0, 4, 0x8, 0, 0, 0, 0, 0] + [0, 0x10, 0, 0]
    }

    /// The client's preface, SETTINGS and WINDOW_UPDATE, as curl sends them after a `101`.
    static var clientPrefaceFrames: [UInt8] {
        Array(preface.utf8) + settingsFrame + windowUpdateFrame
    }
}

/// One HTTP/2 frame read back from raw bytes.
struct RawHTTP2Frame: Equatable {
    var type: UInt8
    var flags: UInt8
    var streamID: UInt32
    var payload: [UInt8]

    /// Splits `bytes` into frames; stops at an incomplete one.
    static func frames(in bytes: some Collection<UInt8>) -> [RawHTTP2Frame] {
        var bytes = Array(bytes)[...]
        var frames: [RawHTTP2Frame] = []
        while bytes.count >= 9 {
            let header = Array(bytes.prefix(9))
            let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            guard bytes.count >= 9 + length else { break }
            let streamID =
                (UInt32(header[5]) & 0x7F) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8])
            frames.append(
                RawHTTP2Frame(
                    type: header[3],
                    flags: header[4],
                    streamID: streamID,
                    payload: Array(bytes.dropFirst(9).prefix(length))
                )
            )
            bytes = bytes.dropFirst(9 + length)
        }
        return frames
    }
}

/// A tiny decoder for the only HPACK representation the sniffer emits: literal without indexing, new name,
/// no Huffman. Returns `nil` on anything else.
func decodeLiteralHeaderBlock(_ block: [UInt8]) -> [H2CUpgradeRequest.HeaderField]? {
    var index = 0
    func integer() -> Int? {
        guard index < block.count else { return nil }
        var value = Int(block[index] & 0x7F)
        let isHuffman = block[index] & 0x80 != 0
        index += 1
        guard !isHuffman else { return nil }
        if value == 127 {
            var shift = 0
            while true {
                guard index < block.count, shift < 28 else { return nil }
                let byte = block[index]
                index += 1
                value += Int(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { break }
            }
        }
        return value
    }
    func string() -> String? {
        guard let length = integer(), index + length <= block.count else { return nil }
        defer { index += length }
        return String(decoding: block[index..<(index + length)], as: UTF8.self)
    }
    var fields: [H2CUpgradeRequest.HeaderField] = []
    while index < block.count {
        guard block[index] == 0 else { return nil }
        index += 1
        guard let name = string(), let value = string() else { return nil }
        fields.append(.init(name: name, value: value))
    }
    return fields
}

/// A small deterministic generator for the fuzz tests (SplitMix64).
struct H2CFuzzGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
