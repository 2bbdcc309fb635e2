import Foundation
import NIOCore
import Parapet
import ParapetTestSupport

enum LoopbackError: Error {
    case truncated
}

/// One HTTP/1.1 response as read off the wire.
struct WireResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    /// Every value of the field `name`, one per line.
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The first value of the field `name`.
    func header(_ name: String) -> String? { values(name).first }
}

/// A real TCP client that writes raw request bytes and parses what the server answers, so a test sees
/// exactly what a client would.
actor WireClient {
    private let connection: TestConnection
    private var pending: [UInt8] = []
    private var isAtEnd = false

    init(to address: NetworkAddress) async throws {
        connection = try await TestConnection.open(to: address, timeout: .seconds(5))
    }

    func send(_ text: String) async throws {
        try await connection.write(ByteBuffer(string: text))
    }

    func close() async { await connection.close() }

    /// Reads one response (with a `Content-Length` or chunked body, or a bodiless status).
    ///
    /// - Throws: ``LoopbackError/truncated`` when the server closes before the response is complete.
    func readResponse() async throws -> WireResponse {
        let headEnd = try await readUntil([13, 10, 13, 10])
        var lines = String(decoding: pending[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        pending.removeFirst(headEnd + 4)
        let status = Int(lines.removeFirst().split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
        var response = WireResponse(status: status, headers: headers, body: "")
        guard status != 204, status != 304 else { return response }
        if let length = response.header("content-length").flatMap(Int.init) {
            try await fill(length)
            response.body = String(decoding: pending[..<length], as: UTF8.self)
            pending.removeFirst(length)
        } else if response.header("transfer-encoding") == "chunked" {
            var body: [UInt8] = []
            while true {
                let lineEnd = try await readUntil([13, 10])
                let size = Int(String(decoding: pending[..<lineEnd], as: UTF8.self), radix: 16) ?? 0
                pending.removeFirst(lineEnd + 2)
                try await fill(size + 2)
                body += pending[..<size]
                pending.removeFirst(size + 2)
                if size == 0 { break }
            }
            response.body = String(decoding: body, as: UTF8.self)
        }
        return response
    }

    /// Reads more bytes; `false` once the server closed the connection (a reset counts as closed).
    private func readMore() async throws -> Bool {
        let next: ByteBuffer?
        do {
            next = isAtEnd ? nil : try await connection.read()
        } catch let error as IOError where error.errnoCode == ECONNRESET {
            next = nil
        }
        guard let chunk = next else {
            isAtEnd = true
            return false
        }
        pending += chunk.readableBytesView
        return true
    }

    private func fill(_ count: Int) async throws {
        while pending.count < count {
            guard try await readMore() else { throw LoopbackError.truncated }
        }
    }

    private func readUntil(_ marker: [UInt8]) async throws -> Int {
        while true {
            if let index = pending.firstRange(of: marker)?.lowerBound { return index }
            guard try await readMore() else { throw LoopbackError.truncated }
        }
    }
}
