import Foundation
import NIOCore
import Parapet
import ParapetTestSupport
import Testing

/// The body the test server sends: `count` numbered lines, the same bytes Python regenerates.
func numberedLines(_ count: Int) -> String {
    (0..<count).map { "line \($0): the quick brown fox jumps over the lazy dog\n" }.joined()
}

@Suite("Compression decoded by independent decoders (curl, the zstd tool, Python's gzip, zlib, brotli and zstandard)")
struct IndependentDecoderTests {
    static let lines = 20_000  // ≈ 1 MiB

    /// Runs a server whose `/memory` answers the lines from memory and `/stream` streams them in 8 KiB
    /// chunks, both compressed.
    func withCompressingServer(_ body: (NetworkAddress) async throws -> Void) async throws {
        var configuration = ServerConfiguration.general
        try configuration.bind(to: "127.0.0.1:0")
        configuration.waitBeforeShutdown = .zero
        let server = Server(configuration: configuration)
        server.use(Compression())
        let text = numberedLines(Self.lines)
        server.use(Endpoint { request, _ in
            let fields: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
            guard request.path == "/stream" else {
                return Response(status: .ok, headerFields: fields, body: HTTPBody(string: text))
            }
            let chunks = AsyncStream<ByteBuffer> { continuation in
                var rest = Substring(text)
                while !rest.isEmpty {
                    continuation.yield(ByteBuffer(string: String(rest.prefix(8_192))))
                    rest = rest.dropFirst(8_192)
                }
                continuation.finish()
            }
            return Response(status: .ok, headerFields: fields, body: HTTPBody(stream: chunks))
        })
        let listener = try await server.listen()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.serve() }
            defer { group.cancelAll() }
            try await body(listener.localAddress)
        }
    }

    @Test(arguments: ["gzip", "deflate", "br", "zstd"], ["/memory", "/stream"])
    func curlDecodesEachCoding(coding: String, path: String) async throws {
        try await withCompressingServer { address in
            let head = try await run("/usr/bin/env", ["curl", "-sS", "-o", "/dev/null", "-D", "-", "-H", "Accept-Encoding: \(coding)", "http://\(address)\(path)"])
            #expect(head.lowercased().contains("content-encoding: \(coding)\r\n"))
            let decoded = try await run("/usr/bin/env", ["curl", "-sS", "--compressed", "-H", "Accept-Encoding: \(coding)", "http://\(address)\(path)"])
            #expect(decoded == numberedLines(Self.lines))
        }
    }

    @Test(arguments: ["gzip", "deflate", "br", "zstd"], ["/memory", "/stream"])
    func pythonDecodesEachCoding(coding: String, path: String) async throws {
        try await withCompressingServer { address in
            let output = try await run("/usr/bin/python3", ["-c", Self.pythonCheck, "http://\(address)\(path)", coding, "\(Self.lines)"])
            #expect(output == "\(coding) ok\n")
        }
    }

    @Test(arguments: ["/memory", "/stream"])
    func theZstdToolDecodesTheBody(path: String) async throws {
        try await withCompressingServer { address in
            let script = "curl -sS -H 'Accept-Encoding: zstd' http://\(address)\(path) | zstd -d -c"
            let decoded = try await run("/bin/bash", ["-c", "set -o pipefail; " + script])
            #expect(decoded == numberedLines(Self.lines))
        }
    }

    /// Fetches the URL with one coding, decodes it with Python's own module, and compares it with the
    /// lines regenerated in Python.
    static let pythonCheck = """
        import sys, urllib.request, gzip, zlib, brotli, zstandard
        url, coding, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
        request = urllib.request.Request(url, headers={"Accept-Encoding": coding})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == coding, response.headers
            raw = response.read()
        # A streamed zstd body has no content size in its frame header: decode it as a stream.
        zstd = lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data)
        decode = {"gzip": gzip.decompress, "deflate": zlib.decompress, "br": brotli.decompress, "zstd": zstd}[coding]
        expected = "".join(f"line {i}: the quick brown fox jumps over the lazy dog\\n" for i in range(count)).encode()
        body = decode(raw)
        assert body == expected, (len(body), len(expected))
        assert len(raw) < len(expected) // 5, (len(raw), len(expected))
        print(coding, "ok")
        """

    /// Runs `executable` with `arguments` to its end, expecting it to succeed, and returns its output.
    func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let (status, output) = try await runProcess(executable, arguments)
        #expect(status == 0, "\(executable) \(arguments.last ?? "") exited with \(status)")
        return output
    }
}
