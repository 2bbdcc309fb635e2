import Foundation
import NIOCore
import Parapet
import ParapetTestSupport

/// One HTTP/1.1 response as read off the wire.
struct RawResponse {
    var statusLine: String
    var headers: [(name: String, value: String)]
    var body: String

    var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A real TCP connection to a server under test that writes raw request bytes and parses the responses,
/// so tests see exactly what a client would.
actor RawHTTPConnection {
    private let connection: TestConnection
    private var pending: [UInt8] = []
    private var isAtEnd = false

    init(to address: NetworkAddress) async throws {
        connection = try await TestConnection.open(to: address, timeout: .seconds(5))
    }

    func send(_ text: String) async throws {
        try await connection.write(ByteBuffer(string: text))
    }

    func send(bytes: [UInt8]) async throws {
        try await connection.write(ByteBuffer(bytes: bytes))
    }

    /// Reads until `isComplete` holds for everything received so far; `false` if the server closed first.
    func read(until isComplete: ([UInt8]) -> Bool) async throws -> Bool {
        while !isComplete(pending) {
            guard try await readMore() else { return false }
        }
        return true
    }

    func close() async { await connection.close() }

    /// Reads one response; `expectBody` is false for responses to HEAD.
    func readResponse(expectBody: Bool = true) async throws -> RawResponse {
        let headEnd = try await readUntil([13, 10, 13, 10])
        let headText = String(decoding: pending[..<headEnd], as: UTF8.self)
        pending.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let headers = lines.map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
        var response = RawResponse(statusLine: statusLine, headers: headers, body: "")
        guard expectBody, response.status != 204, response.status != 304 else { return response }
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
        } else {
            while try await readMore() {}
            response.body = String(decoding: pending, as: UTF8.self)
            pending.removeAll()
        }
        return response
    }

    /// Waits until the server has sent something (for example the head of a streamed response).
    func awaitFirstBytes() async throws {
        if pending.isEmpty, !(try await readMore()) { throw RawHTTPError.truncated }
    }

    /// Whether the server closed the connection (reads until end of stream).
    func readToEnd() async throws -> String {
        while try await readMore() {}
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Reads more bytes; `false` once the server closed the connection. A reset counts as closed: a server
    /// that times a connection out before reading what the client sent closes with unread input, which
    /// the kernel turns into a reset.
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
            guard try await readMore() else { throw RawHTTPError.truncated }
        }
    }

    private func readUntil(_ marker: [UInt8]) async throws -> Int {
        while true {
            if let index = pending.firstRange(of: marker)?.lowerBound { return index }
            guard try await readMore() else { throw RawHTTPError.truncated }
        }
    }
}

enum RawHTTPError: Error { case truncated }
